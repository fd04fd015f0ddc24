"""Both batch commands write byte for byte what they wrote before the shared CSV batch framework.

The digests were recorded by running the row-by-row commands on these generated 100,000-row inputs.
"""

import hashlib
import io

import pytest
from django.core.management import call_command

from tests.support.batch_inputs import write_current_view_csv, write_measure_csv

pytestmark = pytest.mark.django_db
ROWS = 100_000


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_batch_grouper_output_is_unchanged(tmp_path, reference_data):
    write_current_view_csv(tmp_path / "in.csv", ROWS)
    stdout = io.StringIO()
    call_command("group_current_views", str(tmp_path / "in.csv"), str(tmp_path / "out.csv"), stdout=stdout)
    assert stdout.getvalue().startswith(f"{ROWS} rows, 9557 error rows, ")
    assert digest(tmp_path / "out.csv") == "2d0a13b508cc9752000a0462b95a0ecd2619d95b149562f92e218ee0258e9fe2"


@pytest.mark.parametrize(
    ("measure", "summary", "expected"),
    [
        (
            "sdq",
            "100196 rows, 5197 error rows",
            "c7b22edb17f7ed9151afaa2b391f76340c145dbf823ab6b525fff469f82a90b3",
        ),
        (
            "rcads",
            "100186 rows, 9157 error rows",
            "1ba5034c201ad5c99cec57d9ab420d60dfd15d09b35e2fa29f1b0689cc7b632c",
        ),
        (
            "honosca",
            "100199 rows, 3007 error rows",
            "a983c5e83b933dcb09efa26abada3073356ffc372f1a8844143f47e2175bdd45",
        ),
    ],
)
def test_the_batch_scorer_output_is_unchanged(tmp_path, reference_data, measure, summary, expected):
    write_measure_csv(measure, tmp_path / "in.csv", ROWS)
    stdout = io.StringIO()
    call_command("score_measure", measure, str(tmp_path / "in.csv"), str(tmp_path / "out.csv"), stdout=stdout)
    assert stdout.getvalue() == f"{measure}: {summary}; wrote {(tmp_path / 'out.csv').resolve()}\n"
    assert digest(tmp_path / "out.csv") == expected
