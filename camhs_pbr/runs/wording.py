"""What a page or command says of a run request the task queue refused, the same for every kind of run."""

UNREACHABLE_NOW = (
    "The task queue is unreachable; the run is kept and will be sent to the workers automatically when the "
    "queue is back."
)
