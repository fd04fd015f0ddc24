"""Reads of report runs and their stored rows; what a commissioner sees is disclosed here (SPEC §7)."""

import pandas as pd

from reports.disclosure import disclose_frame
from reports.kinds import kind_of
from reports.models import ReportRow, ReportRun, ScopeKind


def stored_frame(run: ReportRun) -> pd.DataFrame:
    """The run's stored raw rows in the report's column order."""
    columns = list(kind_of(run.report).columns)
    values = ReportRow.objects.filter(run=run).order_by("position").values_list("values", flat=True)
    return pd.DataFrame.from_records(list(values), columns=columns)


def published_frame(run: ReportRun) -> pd.DataFrame:
    """The run's rows as published for its scope: disclosure control for a commissioner, raw for a provider."""
    frame = stored_frame(run)
    if run.scope_kind == ScopeKind.COMMISSIONER:
        return disclose_frame(frame, kind_of(run.report).disclosure)
    return frame
