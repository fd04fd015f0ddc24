"""A password must be hard to guess, not only long: repeats, keyboard runs and the user's own names fail."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.models import Role, User
from demo.seed import DEMO_PASSWORD
from tests import factories

pytestmark = pytest.mark.django_db
PETER = User(username="pwalsh", first_name="Peter", last_name="Walsh", email="peter.walsh@example.nhs.uk")


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "pwtestpwtest", "PeterWalsh12", "qwertyuiop12"])
def test_a_long_but_guessable_password_is_refused_with_advice(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=PETER)
    assert any("too easy to guess" in message for message in refused.value.messages)


def test_a_passphrase_of_unrelated_words_is_accepted():
    validate_password("lantern otter quarry velvet", user=PETER)


def test_the_demo_and_test_passwords_still_pass():
    validate_password(DEMO_PASSWORD, user=PETER)
    validate_password("a-long-test-password", user=factories.user(Role.CLINICIAN))


def test_changing_ones_password_to_ones_own_name_is_refused_on_the_page(client):
    user = factories.user(Role.CLINICIAN, first_name="Peter", last_name="Walsh")
    client.force_login(user)
    page = client.post(
        "/accounts/password/",
        {
            "old_password": "a-long-test-password",
            "new_password1": "PeterWalsh12",
            "new_password2": "PeterWalsh12",
        },
    )
    assert page.status_code == 200 and "too easy to guess" in page.content.decode()
