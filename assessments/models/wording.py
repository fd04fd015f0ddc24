"""The words of a measure's items, loaded by a service that holds the measure's licence (reference data).

The SDQ and RCADS wording may not ship with the code: forms show "Item 7" until an administrator loads the
wording (assessments.item_wording checks the file; assessments.services.load_item_wording writes it)."""

from django.db import models
from django.db.models import Q

from assessments.item_wording import MAX_TEXT_LENGTH
from assessments.models.outcomes import Informant, Measure

ALL_INFORMANTS = ""


class MeasureItemWordingQuerySet(models.QuerySet["MeasureItemWording"]):
    def wording_of(self, measure: str, informant: str) -> dict[int, str]:
        """Each item's words for one informant's form: that informant's wording, else the shared one."""
        rows = self.filter(measure=measure, informant__in=(ALL_INFORMANTS, informant))
        # The shared rows ("" sorts first), then the informant's own, which replace them.
        return dict(rows.order_by("informant", "item").values_list("item", "text"))


class MeasureItemWording(models.Model):
    measure = models.CharField(max_length=10, choices=Measure.choices)
    informant = models.CharField(
        max_length=10,
        choices=Informant.choices,
        blank=True,
        help_text="Blank: the wording of every informant's form that has no wording of its own.",
    )
    item = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=MAX_TEXT_LENGTH)
    loaded_at = models.DateTimeField(auto_now=True)

    objects = MeasureItemWordingQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "informant", "item"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "informant", "item"], name="one_wording_per_item"),
            models.CheckConstraint(condition=Q(item__gte=1) & ~Q(text=""), name="wording_item_and_text"),
        ]

    def __str__(self) -> str:
        informant = self.get_informant_display() or "every informant"
        return f"{self.get_measure_display()} item {self.item} ({informant})"
