"""What the SQL a test captured (django.test.utils.CaptureQueriesContext) did."""

from django.test.utils import CaptureQueriesContext


def sorts_cases_by_name(captured: CaptureQueriesContext) -> bool:
    """Whether a query sorted cases by their patient's name: a list page that keeps its order sorts none."""
    return any(
        'ORDER BY "assessments_patient"."family_name"' in query["sql"] for query in captured.captured_queries
    )
