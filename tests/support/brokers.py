"""A broker that cannot be reached, for tests of what happens when the task queue is down (test support)."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from camhs_pbr.celery import app


@contextmanager
def silent_broker() -> Iterator[str]:
    """A Redis URL whose port accepts connections but never answers: the worst case, a hung broker."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(100)
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/15"
    finally:
        listener.close()


@contextmanager
def publishing_to(url: str, *, timeout: float | None = None) -> Iterator[None]:
    """Point the Celery app's publishing at `url`, with fresh connection pools, and back afterwards; `timeout`
    (seconds) replaces the broker timeout meanwhile, for a test that is not about how long a refusal takes."""
    options, connection_timeout = app.conf.broker_transport_options, app.conf.broker_connection_timeout

    # The write URL: CELERY_BROKER_URL in the environment overrides `broker_url` itself.
    def reset(to: str | None) -> None:
        app.conf["broker_write_url"] = to
        app._pool = None  # type: ignore[attr-defined]
        app.amqp._producer_pool = None  # type: ignore[attr-defined]

    if timeout is not None:
        app.conf.broker_transport_options = {
            **options,
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
        }
        app.conf.broker_connection_timeout = timeout
    reset(url)
    try:
        yield
    finally:
        app.conf.broker_transport_options, app.conf.broker_connection_timeout = options, connection_timeout
        reset(None)
