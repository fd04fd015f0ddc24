"""What one login's password check costs the server: CPU time per check with each hasher in PASSWORD_HASHERS.

.venv/bin/python -m bench.passwords [--checks 10]

A login checks one password, in the web process, on the CPU: with 2 cores, 50 logins at once wait for
50 checks (bench/dashboard.py reports their times). Prints, for the hasher new passwords are stored with
(accounts/hashers.py: Argon2id at OWASP's settings) and for PBKDF2 (passwords stored before), the CPU and
wall-clock milliseconds per check.
"""

import argparse
import os
import time

import django


def per_check(hasher, checks: int) -> tuple[float, float]:
    encoded = hasher.encode("a-bench-password-2026", hasher.salt())
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(checks):
        assert hasher.verify("a-bench-password-2026", encoded)
    return (time.process_time() - cpu) * 1000 / checks, (time.perf_counter() - wall) * 1000 / checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camhs_pbr.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    from django.contrib.auth.hashers import get_hashers

    print(f"one password check, mean of {args.checks} (ms of CPU / ms of wall clock):")
    for n, hasher in enumerate(get_hashers()):
        cpu, wall = per_check(hasher, args.checks)
        role = "new passwords" if n == 0 else "stored before, upgraded at login"
        print(f"  {type(hasher).__name__:<28} {cpu:7.1f} / {wall:7.1f}   ({role})")


if __name__ == "__main__":
    main()
