"""The monthly case-mix report of one commissioner: cases by provider, grouping, age band and gender.

A case's grouping is the one it was allocated to (code, super group and name as allocated, whichever rules
version that grouping belongs to): SPEC §4 keeps old allocations under the version they were made in, so
counting only the run's version would show every case allocated before a new version as ungrouped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from assessments.models import Case, open_episode_on
from groupings.models import Grouping, RulesVersion
from reports.disclosure import DisclosureRule
from reports.periods import AGE_BANDS, UNGROUPED, Month, age_band_of_birth, with_grouping_pk_for

# pandas (and the pyarrow it loads) is imported where frames are built: every process loads this module, few
# build one (tests/test_startup_imports.py).
if TYPE_CHECKING:
    import pandas as pd

DIMENSIONS = (
    "period",
    "commissioner_code",
    "provider_code",
    "super_group",
    "grouping",
    "grouping_name",
    "age_band",
    "gender",
)
FIGURES = ("open_at_month_end", "referred_in_month", "closed_in_month")
COLUMNS = (*DIMENSIONS, *FIGURES)
TEAM_DIMENSIONS = (
    "period",
    "provider_code",
    "team_code",
    "team_name",
    "super_group",
    "grouping",
    "grouping_name",
    "age_band",
    "gender",
)
TEAM_COLUMNS = (*TEAM_DIMENSIONS, *FIGURES)
DISCLOSURE = DisclosureRule(counts=FIGURES)
_BAND_ORDER = {band: n for n, (band, _, _) in enumerate(AGE_BANDS)}


def casemix_rows(month: Month, commissioner_code: str, rules_version: RulesVersion) -> pd.DataFrame:
    """Raw figures of `month` for the cases of one commissioner, one row per combination with any case."""
    frame = _counted(Case.objects.filter(commissioner__code=commissioner_code), month, "team__provider__code")
    shaped = frame.rename(columns={"team__provider__code": "provider_code"}).assign(
        commissioner_code=commissioner_code
    )
    return _shaped(shaped, month, DIMENSIONS)


def team_casemix_rows(month: Month, provider_code: str, rules_version: RulesVersion) -> pd.DataFrame:
    """Raw figures of `month` for the cases of one provider's teams, one row per combination with any case
    (TEAM_COLUMNS): the case-mix of a provider, by team, for its managers."""
    frame = _counted(
        Case.objects.filter(team__provider__code=provider_code), month, "team__code", "team__name"
    )
    shaped = frame.rename(columns={"team__code": "team_code", "team__name": "team_name"}).assign(
        provider_code=provider_code
    )
    return _shaped(shaped, month, TEAM_DIMENSIONS)


def _counted(cases: QuerySet[Case], month: Month, *by: str) -> pd.DataFrame:
    """The three figures of `month` counted in SQL per `by`, grouping (`grouping_pk`), age band and gender."""
    import pandas as pd

    still_open, referred, closed = _counted_in(month)
    counted = (
        with_grouping_pk_for(cases.filter(referred | closed | still_open), month)
        .annotate(age_band=age_band_of_birth(month))
        .values(*by, "grouping_pk", "age_band", "patient__gender")
        .annotate(
            open_at_month_end=Count("pk", filter=still_open),
            referred_in_month=Count("pk", filter=referred),
            closed_in_month=Count("pk", filter=closed),
        )
        .order_by()
    )
    frame = pd.DataFrame.from_records(
        list(counted), columns=[*by, "grouping_pk", "age_band", "patient__gender", *FIGURES]
    )
    return frame.rename(columns={"patient__gender": "gender"})


def _counted_in(month: Month) -> tuple[Q, Q, Q]:
    """The conditions of the three figures of `month` (periods): an episode open on its last day, a
    referral during it, an episode of care closed during it."""
    referred = Q(referral_date__gte=month.first, referral_date__lte=month.last)
    closed = Q(accepted_date__isnull=False, closed_date__gte=month.first, closed_date__lte=month.last)
    return open_episode_on(month.last), referred, closed


def headline_rows(month: Month, commissioner_code: str) -> pd.DataFrame:
    """The three figures of the commissioner's cases in `month`, the month before and the same month a year
    before (summaries.HEADLINE_COLUMNS, raw counts), counted in one SQL query."""
    return _headline(Case.objects.filter(commissioner__code=commissioner_code), month)


def team_headline_rows(month: Month, provider_code: str) -> pd.DataFrame:
    """The headline figures of each team of the provider (team_code, then summaries.HEADLINE_COLUMNS), so that
    a team manager's headline adds up their own teams' alone."""
    return _headline(Case.objects.filter(team__provider__code=provider_code), month, "team__code").rename(
        columns={"team__code": "team_code"}
    )


def _headline(cases: QuerySet[Case], month: Month, *by: str) -> pd.DataFrame:
    import pandas as pd

    months = {
        "this_month": month,
        "last_month": month.previous(),
        "same_month_last_year": Month.containing(month.first.replace(year=month.first.year - 1)),
    }
    counts = {}
    for when, each in months.items():
        for figure, condition in zip(FIGURES, _counted_in(each), strict=True):
            counts[f"{figure}__{when}"] = Count("pk", filter=condition)
    found = list(cases.values(*by).annotate(**counts).order_by(*by)) if by else [cases.aggregate(**counts)]
    return pd.DataFrame(
        [
            {
                **{key: row[key] for key in by},
                "figure": figure,
                **{when: int(row[f"{figure}__{when}"]) for when in months},
            }
            for row in found
            for figure in FIGURES
        ],
        columns=[*by, "figure", *months],
    )


def _shaped(frame: pd.DataFrame, month: Month, dimensions: tuple[str, ...]) -> pd.DataFrame:
    """The counted frame with its groupings named, in `dimensions` then FIGURES, one row per combination."""
    import pandas as pd

    names = _grouping_names(frame["grouping_pk"].dropna().astype(int).unique().tolist())
    codes = {pk: code for pk, (code, _, _) in names.items()}
    named = {
        "period": month.label(),
        "super_group": [names.get(pk, ("", "", ""))[1] for pk in frame["grouping_pk"]],
        "grouping": [codes.get(pk, UNGROUPED) for pk in frame["grouping_pk"]],
        "grouping_name": [names.get(pk, ("", "", ""))[2] for pk in frame["grouping_pk"]],
    }
    shaped = pd.DataFrame(
        {
            **{column: named[column] if column in named else frame[column] for column in dimensions},
            **{figure: frame[figure].astype(int) for figure in FIGURES},
        },
        columns=[*dimensions, *FIGURES],
    )
    shaped = shaped[(shaped[list(FIGURES)] > 0).any(axis=1)]
    # Two allocated groupings may share a code and name across rules versions: one row for them.
    shaped = shaped.groupby(list(dimensions), as_index=False, sort=False)[list(FIGURES)].sum()
    return shaped.sort_values(
        list(dimensions),
        key=lambda column: column.map(_BAND_ORDER) if column.name == "age_band" else column,
        ignore_index=True,
    )


def _grouping_names(pks: list[int]) -> dict[float, tuple[str, str, str]]:
    """Code, super group and name of each allocated grouping."""
    rows = Grouping.objects.filter(pk__in=pks).values_list("pk", "code", "super_group", "name")
    return {pk: (code, super_group, name) for pk, code, super_group, name in rows}
