"""What a load of an extract did: the counts per file and the rejected rows."""

from dataclasses import dataclass, field

from imports import sql_checks
from imports.checks import Rejected


@dataclass
class Counts:
    read: int = 0
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    flagged: int = 0  # full mode: records of the provider this file no longer holds


@dataclass
class Outcome:
    """The counts per file, and the rejected rows: the embedded path holds them; the PostgreSQL path leaves them
    in its table (`import_rejected`), read only when asked for and written to a run's rows set-based."""

    counts: dict[str, Counts] = field(default_factory=dict)
    held: list[Rejected] | None = None

    @property
    def rejected(self) -> list[Rejected]:
        if self.held is None:
            self.held = [Rejected(*row) for row in sql_checks.rejections()]
        return self.held

    def as_json(self) -> dict[str, dict[str, int]]:
        return {name: vars(counts) for name, counts in self.counts.items()}
