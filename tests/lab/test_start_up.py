"""A process that starts Django (a report run, a Celery worker, a management command) does not load the lab's
scikit-learn until it fits or applies a model: 90 MB and seconds of start-up that most processes never use."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_starting_django_does_not_import_scikit_learn():
    code = (
        "import sys, django; django.setup(); "
        "import reports.runs, groupings.allocation_help; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
