"""What every process pays before its first request, task or command: Django's setup, the system checks, the
URLconf (every app's views) and the Celery app's task modules import none of the heavy libraries of the lab,
the reports and the batch files; the functions that use one import it themselves (`bench/startup.py` times
it: `manage.py check` went from 2.8 s and 259 MB to about a second and 90 MB)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# scikit-learn alone was a second of imports; pandas brings pyarrow with it.
HEAVY = ("sklearn", "scipy", "pyarrow", "pandas", "openpyxl", "joblib")

STARTUP = """
import json, sys, traceback

root, heavy, first_import = sys.argv[1] + "/", set(sys.argv[2:]), {}


class Witness:
    # Notes which project line first imported each heavy library, then lets the import go on.
    def find_spec(self, name, path=None, target=None):
        if name in heavy and name not in first_import:
            stack = traceback.extract_stack()
            ours = [f for f in stack if f.filename.startswith(root) and "-packages/" not in f.filename]
            first_import[name] = [f"{f.filename[len(root):]}:{f.lineno} {f.line}" for f in ours]
        return None


sys.meta_path.insert(0, Witness())
import django

django.setup()
from django.core.management import call_command
from django.urls import get_resolver

call_command("check", verbosity=0)
get_resolver().url_patterns
from camhs_pbr.celery import app

app.loader.import_default_modules()
print(json.dumps({name: first_import.get(name, []) for name in sorted(heavy & set(sys.modules))}))
"""


def modules_loaded_at_startup() -> dict[str, list[str]]:
    """The heavy libraries a fresh process has loaded after startup, each with the project lines that did it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", STARTUP, str(ROOT), *HEAVY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_setup_checks_urls_and_task_modules_import_no_heavy_library():
    assert modules_loaded_at_startup() == {}
