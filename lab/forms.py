"""The form a service manager fills to run the lab: method, period, window, seed and the method's main
parameters. Parameters are checked by the same lab.methods.Params.checked the fit applies."""

from dataclasses import fields
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from lab import limits
from lab.methods import Params
from lab.models import Method

DEFAULTS = Params()
# A count of episodes no period reaches: the form checks the parameters themselves, the task their episodes.
_ANY_NUMBER_OF_EPISODES = 10**12


def _whole(label: str, lowest: int, highest: int, message: str, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        validators=[MinValueValidator(lowest, message), MaxValueValidator(highest, message)],
        error_messages={"invalid": message},
        **kwargs,
    )


class LabRunForm(forms.Form):
    method = forms.ChoiceField(label="Method", choices=Method.choices, initial=Method.TREE)
    closed_from = forms.DateField(
        label="Episodes closed from", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closed_to = forms.DateField(
        label="Episodes closed up to", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    window = _whole(
        "Window (attended contacts)",
        1,
        limits.MAX_WINDOW,
        limits.WINDOW_MESSAGE,
        initial=limits.DEFAULT_WINDOW,
        help_text="An episode counts if its first Current View was completed by the date of this attended contact.",
    )
    seed = _whole(
        "Seed",
        0,
        limits.MAX_SEED,
        limits.SEED_MESSAGE,
        initial=0,
        help_text="The same episodes, method, parameters and seed give the same result.",
    )
    min_leaf = _whole(
        "Tree: fewest episodes in a leaf",
        1,
        100_000,
        "The fewest episodes in a leaf is a whole number from 1 to 100,000.",
        initial=DEFAULTS.min_leaf,
        required=False,
    )
    max_leaves = _whole(
        "Tree: most leaves",
        2,
        limits.MAX_LEAVES,
        f"The most leaves is a whole number from 2 to {limits.MAX_LEAVES}.",
        initial=DEFAULTS.max_leaves,
        required=False,
    )
    k_min = _whole(
        "Clusters: smallest k tried",
        2,
        limits.MAX_K,
        f"k is a whole number from 2 to {limits.MAX_K}.",
        initial=DEFAULTS.k_min,
        required=False,
    )
    k_max = _whole(
        "Clusters: largest k tried",
        2,
        limits.MAX_K,
        f"k is a whole number from 2 to {limits.MAX_K}.",
        initial=DEFAULTS.k_max,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("closed_from"), cleaned.get("closed_to")
        if first and last and first > last:
            self.add_error("closed_to", limits.PERIOD_MESSAGE)
        method = cleaned.get("method")
        if method and not self.errors:
            try:
                Params(**self.params()).checked(method, _ANY_NUMBER_OF_EPISODES)
            except ValueError as refused:
                self.add_error(None, f"{str(refused).capitalize()}.")
        return cleaned

    def params(self) -> dict[str, Any]:
        """The method's parameters as lab.methods.Params fields (the defaults where a field was left empty);
        the other methods' fields are left out."""
        method = self.cleaned_data["method"]
        names = {"tree": ("min_leaf", "max_leaves"), "clusters": ("k_min", "k_max"), "classifier": ()}[method]
        known = {f.name for f in fields(Params)}
        return {
            name: getattr(DEFAULTS, name) if self.cleaned_data.get(name) is None else self.cleaned_data[name]
            for name in names
            if name in known
        }


class PublishTreeForm(forms.Form):
    """The label and description of the rules version a tree is published as (lab.publish checks them)."""

    label = forms.CharField(
        label="Label of the new rules version",
        max_length=50,
        help_text='Unique, e.g. "Tree 2026-12". It will not be current until an administrator makes it so.',
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
