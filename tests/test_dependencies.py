"""The locks every install reads: each human-edited pin is in them at its version, each package has a hash,
and the Makefile (so `make run`, `make test` and CI: scripts/install-locked.sh, pip for uv then uv) and the Dockerfile install from them with --require-hashes."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normalised(name: str) -> str:
    """A distribution name as PEP 503 compares them (`Django` = `django`, `PyYAML` = `pyyaml`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_pins(path: Path) -> dict[str, str]:
    """The name == version pins of a requirements file, following its `-r` includes."""
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            pins |= requirement_pins(path.parent / line[3:].strip())
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: {line!r} is not pinned with =="
        pins[normalised(match[1])] = match[2]
    return pins


def lock_entries(path: Path) -> dict[str, tuple[str, list[str]]]:
    """Each package of a lock file with its version and its sha256 hashes."""
    entries: dict[str, tuple[str, list[str]]] = {}
    joined = re.sub(r"\\\n\s*", " ", path.read_text())
    for line in joined.splitlines():
        match = PIN.match(line)
        if match:
            entries[normalised(match[1])] = (match[2], re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
    assert entries, f"{path.name} lists no package"
    return entries


def test_every_runtime_pin_is_in_the_runtime_lock_at_its_version():
    lock = lock_entries(ROOT / "requirements.lock")
    pins = requirement_pins(ROOT / "requirements.txt")
    assert {name: version for name, version in pins.items() if lock.get(name, ("",))[0] != version} == {}


def test_every_runtime_and_dev_pin_is_in_the_dev_lock_at_its_version():
    lock = lock_entries(ROOT / "requirements-dev.lock")
    pins = requirement_pins(ROOT / "requirements-dev.txt")
    assert set(requirement_pins(ROOT / "requirements.txt")) <= set(pins), (
        "requirements-dev.txt includes the runtime"
    )
    assert {name: version for name, version in pins.items() if lock.get(name, ("",))[0] != version} == {}


def test_tests_run_on_the_versions_that_are_deployed():
    runtime, dev = lock_entries(ROOT / "requirements.lock"), lock_entries(ROOT / "requirements-dev.lock")
    assert {name: entry[0] for name, entry in runtime.items() if dev.get(name, ("",))[0] != entry[0]} == {}


def test_every_locked_package_has_a_hash():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        assert [name for name, (_, hashes) in lock_entries(ROOT / lock).items() if not hashes] == [], lock


def test_make_and_the_dockerfile_install_from_the_locks_with_hashes_required():
    makefile, dockerfile = (ROOT / "Makefile").read_text(), (ROOT / "Dockerfile").read_text()
    script = (ROOT / "scripts" / "install-locked.sh").read_text()
    assert re.search(r"install-locked\.sh \$\(VENV\) requirements-dev\.lock", makefile)
    assert re.search(r"\$\(VENV\)/\.installed: requirements-dev\.lock", makefile), "a new lock reinstalls"
    assert re.search(r"pip install .*--require-hashes -r requirements\.lock", dockerfile)
    # The script: pip installs uv from its hashed entry of the lock, then uv installs the whole lock.
    assert re.search(r"pip install .*--require-hashes -r \"\$bootstrap\"", script)
    assert re.search(r"uv\" pip sync .*--require-hashes .*\"\$lock\"", script)
    installs = re.findall(
        r"^[^#\n]*pip (?:install|sync) [^\n]*", makefile + dockerfile + script, re.MULTILINE
    )
    assert installs and all("--require-hashes" in line for line in installs), installs
