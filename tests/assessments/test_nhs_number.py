import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments import nhs_number

ten_digits = st.text(alphabet="0123456789", min_size=10, max_size=10)


def reference_is_valid(digits: str) -> bool:
    """Independent formulation: with weights 10..1 over all ten digits the weighted sum is 0 mod 11."""
    return sum(int(d) * w for d, w in zip(digits, range(10, 0, -1), strict=True)) % 11 == 0


@given(ten_digits)
def test_validity_agrees_with_the_independent_reference(digits):
    assert nhs_number.is_valid(digits) == reference_is_valid(digits)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_nine_digits_have_exactly_one_check_digit_unless_it_would_be_ten(stem):
    valid_endings = [d for d in "0123456789" if nhs_number.is_valid(stem + d)]
    expected = nhs_number.check_digit(stem)
    assert valid_endings == ([] if expected is None else [str(expected)])


@given(
    ten_digits.filter(reference_is_valid),
    st.sampled_from(["", " ", "-"]),
    st.sampled_from(["", " ", "  ", "\t", "\n"]),
    st.sampled_from(["", " ", "\t "]),
)
def test_ten_digits_or_3_3_4_with_single_spaces_or_hyphens_and_blanks_around_are_stored_as_ten_digits(
    digits, sep, before, after
):
    typed = f"{before}{digits[:3]}{sep}{digits[3:6]}{sep}{digits[6:]}{after}"
    assert nhs_number.normalise(typed) == digits


@pytest.mark.parametrize(
    "typed",
    [
        "943  476 5919",  # a doubled space
        "943--476-5919",  # a doubled hyphen
        "-943-476-5919",  # a leading hyphen
        "943 476-5919",  # mixed separators
        "943 4765919",  # only one separator
        "94 3476 5919",  # separators in the wrong places
        "943.476.5919",  # another separator
        "943\u00a0476\u00a05919",  # non-breaking spaces
        "９４３４７６５９１９",  # full-width digits
        "٩٤٣٤٧٦٥٩١٩",  # Arabic-Indic digits
        "94347659",
        "94347659190",
        "943476591X",
        "",
        "   ",
    ],
)
def test_other_forms_are_refused_with_one_clear_message(typed):
    with pytest.raises(nhs_number.InvalidNhsNumber) as refused:
        nhs_number.normalise(typed)
    assert str(refused.value) == nhs_number.FORMAT_MESSAGE


def test_numbers_of_the_999_test_range_are_accepted():
    assert nhs_number.normalise("999 000 0018") == "9990000018"


def test_the_published_example_number_is_valid():
    assert nhs_number.normalise("943 476 5919") == "9434765919"


def test_a_wrong_check_digit_is_refused_with_a_clear_message():
    with pytest.raises(nhs_number.InvalidNhsNumber, match="check digit"):
        nhs_number.normalise("943 476 5918")
