"""Both batch commands refuse undecodable, oversized or non-regular input with one line naming the problem,
and sweep the temporary files a killed run left behind."""

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessments.current_view_items import ALL_ITEMS
from camhs_pbr.lib.files import STALE_AFTER_SECONDS, sweep_stale_temporaries

pytestmark = pytest.mark.django_db
SDQ_HEADER = ",".join(f"i{n:02d}" for n in range(1, 26))
COMMANDS = {
    "group_current_views": (["group_current_views"], ",".join(ALL_ITEMS)),
    "score_measure": (["score_measure", "sdq"], SDQ_HEADER),
}


def run(command: str, infile: Path, outfile: Path) -> None:
    arguments, _ = COMMANDS[command]
    call_command(*arguments, str(infile), str(outfile))


@pytest.fixture(params=sorted(COMMANDS))
def command(request, reference_data):
    return request.param


def header_of(command: str) -> str:
    return COMMANDS[command][1]


@pytest.mark.parametrize(
    ("encode", "line"),
    [
        (lambda text: text.encode("latin-1"), 2),
        (lambda text: text.encode("utf-16"), 1),
        (lambda text: text.encode("utf-8") + b"\xff\xfe\x00binary\x9c\n", 3),
    ],
    ids=["latin-1", "utf-16", "binary"],
)
def test_undecodable_input_is_one_line_naming_the_line_and_writes_nothing(tmp_path, command, encode, line):
    text = f"{header_of(command)}\r\nJos\u00e9{',x' * (header_of(command).count(','))}\r\n"
    (tmp_path / "in.csv").write_bytes(encode(text))
    with pytest.raises(CommandError) as refused:
        run(command, tmp_path / "in.csv", tmp_path / "out.csv")
    message = str(refused.value)
    assert f"line {line} is not UTF-8 text" in message
    assert "\n" not in message
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


def test_a_cell_over_the_csv_field_limit_is_one_line_naming_the_line(tmp_path, command):
    width = header_of(command).count(",") + 1
    cells = ["x" * (csv.field_size_limit() + 1), *["0"] * (width - 1)]
    (tmp_path / "in.csv").write_text(f"{header_of(command)}\r\n{','.join(cells)}\r\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2 is not valid CSV: field larger than field limit"):
        run(command, tmp_path / "in.csv", tmp_path / "out.csv")
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


@pytest.mark.parametrize("path", ["/dev/zero", "directory", "fifo"])
def test_an_input_that_is_not_a_regular_file_is_refused_before_it_is_read(tmp_path, command, path):
    if path == "directory":
        path = str(tmp_path)
    elif path == "fifo":
        path = str(tmp_path / "fifo")
        os.mkfifo(path)
    started = time.monotonic()
    with pytest.raises(CommandError, match="is not a regular file"):
        run(command, Path(path), tmp_path / "out.csv")
    assert time.monotonic() - started < 5
    assert not (tmp_path / "out.csv").exists()


KILLED_WRITER = """
import sys, time
from pathlib import Path
from camhs_pbr.lib.files import replaced_on_success
with replaced_on_success(Path(sys.argv[1])) as out:
    out.write("partial")
    out.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


def test_the_temporary_file_of_a_killed_run_is_swept_by_the_next_run(tmp_path, command):
    out = tmp_path / "out.csv"
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(out)],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).parent.parent,
    )
    assert writer.stdout is not None and writer.stdout.readline() == b"writing\n"
    writer.kill()
    writer.wait()
    [left] = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    (tmp_path / "in.csv").write_text(f"{header_of(command)}\r\n", encoding="utf-8")
    run(command, tmp_path / "in.csv", out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]
    assert not left.exists()


def dead_pid() -> int:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return finished.pid


def test_only_temporaries_of_the_same_output_whose_run_is_gone_or_a_day_old_are_swept(tmp_path):
    out = tmp_path / "out.csv"
    live = tmp_path / f".out.csv.{os.getpid()}-0a1b2c3d.tmp"
    unnamed = tmp_path / ".out.csv.0a1b2c3d.tmp"  # no pid in its name: only its age tells
    dead = tmp_path / f".out.csv.{dead_pid()}-0a1b2c3d.tmp"
    another_output = tmp_path / f".other.csv.{dead_pid()}-0a1b2c3d.tmp"
    for path in (live, unnamed, dead, another_output):
        path.write_text("partial")
    assert sweep_stale_temporaries(out) == [dead]
    a_day_later = time.time() + STALE_AFTER_SECONDS + 1
    assert sorted(sweep_stale_temporaries(out, now=a_day_later)) == sorted([live, unnamed])
    assert another_output.exists()
