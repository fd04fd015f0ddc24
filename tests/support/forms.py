"""Form data as a page sends it."""

import uuid
from typing import Any


def keyed(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with a new one-time submission key, as every create form carries (assessments.submissions)."""
    return {**data, "submission_key": str(uuid.uuid4())}
