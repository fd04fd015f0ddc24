from django import forms


class TokenForm(forms.Form):
    """The six-digit code an authenticator app shows."""

    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not (token.isdigit() and len(token) == 6):
            raise forms.ValidationError("Enter the 6 digits your authenticator app shows.")
        return token


class EnrolmentForm(TokenForm):
    """The code of the app being set up, and for an administrator's first app the enrolment code another
    administrator issued."""

    enrolment_code = forms.CharField(
        label="Enrolment code from another administrator",
        max_length=40,
        help_text="Ask another administrator for one (it works once, for 24 hours).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ["enrolment_code", "token"]
