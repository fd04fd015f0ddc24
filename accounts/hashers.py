"""How passwords are stored: Argon2id at the settings the OWASP Password Storage Cheat Sheet gives first.

OWASP: "Use Argon2id with a minimum configuration of 19 MiB of memory, an iteration count of 2, and 1 degree of
parallelism." Memory-hard, it resists guessing on graphics cards better than PBKDF2, whose strength is CPU time
alone: a check with Django's PBKDF2 (1,000,000 iterations) takes about 12 times the CPU of one with this
(`python -m bench.passwords`), so a morning's logins no longer queue for the cores (README, "Managers under
load").

A password stored with another hasher or other parameters (PBKDF2, before 2026-12) still logs in and is stored
again with these at that login (Django's `must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (the argon2id variant) with OWASP's first configuration."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB: 19 MiB
    parallelism = 1
