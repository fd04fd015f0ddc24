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


@given(ten_digits.filter(reference_is_valid), st.sampled_from([" ", "-", "  "]))
def test_numbers_typed_with_spaces_or_hyphens_are_stored_as_ten_digits(digits, sep):
    typed = f"{digits[:3]}{sep}{digits[3:6]}{sep}{digits[6:]}"
    assert nhs_number.normalise(typed) == digits


def test_the_published_example_number_is_valid():
    assert nhs_number.normalise("943 476 5919") == "9434765919"


def test_a_wrong_check_digit_is_refused_with_a_clear_message():
    with pytest.raises(nhs_number.InvalidNhsNumber, match="check digit"):
        nhs_number.normalise("943 476 5918")


@pytest.mark.parametrize("typed", ["94347659", "94347659190", "943476591X", "", "９４３４７６５９１９"])
def test_anything_but_ten_digits_is_refused(typed):
    with pytest.raises(nhs_number.InvalidNhsNumber, match="10 digits"):
        nhs_number.normalise(typed)
