"""The upload form of an extract: one zip, or the extract's CSV files, and how to load it."""

from typing import Any

from django import forms

from imports.models import ImportMode

MAX_UPLOAD_FILES = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".zip,.csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(MultipleFileField, self).clean(file, initial) for file in files]
        if len(cleaned) > MAX_UPLOAD_FILES:
            raise forms.ValidationError(f"Choose one zip file or at most {MAX_UPLOAD_FILES} CSV files.")
        return cleaned


class UploadForm(forms.Form):
    extract = MultipleFileField(
        label="Extract",
        help_text="One zip file, or the extract's CSV files (patients.csv, staff.csv, referrals.csv, "
        "contacts.csv and, if you have them, current_views.csv).",
    )
    mode = forms.ChoiceField(choices=ImportMode.choices, initial=ImportMode.DELTA, widget=forms.RadioSelect)
    dry_run = forms.BooleanField(label="Check only: count and report, write nothing", required=False)
