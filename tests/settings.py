"""The project's settings as production reads them, with a key that exists only for the tests.

Without DEBUG the settings refuse the development key, and the suite runs with DEBUG off on purpose."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-key-never-deployed-" + "x" * 40)

from camhs_pbr.settings import *  # noqa: E402, F403
