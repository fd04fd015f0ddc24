"""Publishing to the task queue so that an unreachable broker is a quick, named failure (not a 500 after
seconds of retries), and which messages wait on the queue (the reaper leaves a run alone while one of its
messages waits)."""

import json
from typing import Any

from celery import Task
from kombu.exceptions import ChannelError, OperationalError

from camhs_pbr.celery import app

UNREACHABLE = "The task queue is unreachable; try again later."


class QueueUnreachable(RuntimeError):
    """The broker refused or did not answer within CELERY_BROKER_TIMEOUT seconds; nothing was queued."""

    def __init__(self) -> None:
        super().__init__(UNREACHABLE)


def publish(task: Task, *args: Any, message_id: str | None = None) -> None:
    """Queue `task(*args)` (as the message `message_id`, if given), or raise QueueUnreachable."""
    try:
        task.apply_async(args, task_id=message_id)
    except OperationalError as error:
        raise QueueUnreachable() from error


def waiting_messages() -> int:
    """Messages waiting on the default queue, not yet taken by a worker (0 when tasks run in-process)."""
    if app.conf.task_always_eager:
        return 0
    with app.connection_for_write() as connection:
        try:
            declared = connection.default_channel.queue_declare(  # type: ignore[attr-defined]
                queue=app.conf.task_default_queue, passive=True
            )
        except ChannelError:  # Redis drops an empty queue's key
            return 0
        return int(declared.message_count)


def waiting_message_ids() -> set[str] | None:
    """The ids of the messages waiting on the default queue, or None where the broker cannot list them
    (only Redis can): the reaper tells a run whose message waits its turn from one whose message was lost."""
    if app.conf.task_always_eager:
        return set()
    with app.connection_for_write() as connection:
        if connection.transport.driver_type != "redis":
            return None
        client = connection.default_channel.client  # type: ignore[attr-defined]
        waiting = client.lrange(app.conf.task_default_queue, 0, -1)
    return {json.loads(message).get("headers", {}).get("id", "") for message in waiting}
