"""The whole suite's logs hold no patient's NHS number, name or date of birth (issue 28).

For the session every log record at DEBUG and above, from every logger, goes to a file through the app's own
request-context filter; each patient the tests create (saved one by one or in bulk, as seed_demo does) is
noted; at the end the file is searched for their NHS numbers, names and dates of birth.
"""

import datetime as dt
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LINE = "%(levelname)s %(name)s [%(request_id)s] %(message)s"
WORD = re.compile(r"[A-Za-z]+|\d+")
LETTERS = re.compile(r"[A-Za-z]+")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}|\d{1,2} [A-Z][a-z]+ \d{4}")


@dataclass
class Sought:
    """What must never be logged: every patient's NHS number, names and date of birth."""

    words: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)

    def note(self, patient: Any) -> None:
        self.words.update(
            word
            for name in (patient.given_name, patient.family_name)
            for word in LETTERS.findall(str(name or ""))
            if len(word) > 2  # the factories' names end in a counter: "Tester12" is sought as "Tester"
        )
        if patient.nhs_number:
            self.words.add(str(patient.nhs_number))
        born = patient.date_of_birth
        # A child born within a few days of today shares its date with the log lines' own dates.
        if isinstance(born, dt.date) and abs((dt.date.today() - born).days) > 3:
            self.dates.update({born.isoformat(), born.strftime("%d/%m/%Y"), f"{born.day} {born:%B %Y}"})

    def found_in(self, text: str) -> list[str]:
        return sorted((self.words & set(WORD.findall(text))) | (self.dates & set(DATE.findall(text))))


class Capture:
    """Attached for the session: the handler writing every record, and the patients' details to look for."""

    def __init__(self) -> None:
        from camhs_pbr.logs import RequestContextFilter

        self.sought = Sought()
        handle, name = tempfile.mkstemp(prefix=f"camhs-test-logs-{os.getpid()}-", suffix=".log")
        os.close(handle)
        self.path = Path(name)
        self.handler = logging.FileHandler(self.path, encoding="utf-8")
        self.handler.setLevel(logging.DEBUG)
        self.handler.setFormatter(logging.Formatter(LINE))
        self.handler.addFilter(RequestContextFilter())
        self.root = logging.getLogger()
        self.root_level = self.root.level

    def start(self) -> None:
        from django.db.models.signals import post_save

        from assessments.models import Patient

        for handler in self.root.handlers:  # the console stays at the configured level
            if handler.level == logging.NOTSET:
                handler.setLevel(self.root_level)
        self.root.addHandler(self.handler)
        self.root.setLevel(logging.DEBUG)
        post_save.connect(self._saved, sender=Patient, dispatch_uid="personal_data_in_logs", weak=False)
        self._wrap_bulk_create(Patient)

    def _saved(self, sender: Any, instance: Any, **kwargs: Any) -> None:
        self.sought.note(instance)

    def _wrap_bulk_create(self, model: Any) -> None:
        from django.db.models import QuerySet

        original = QuerySet.bulk_create
        sought = self.sought

        def bulk_create(queryset: QuerySet, objs: Any, *args: Any, **kwargs: Any) -> Any:
            objs = list(objs)
            if queryset.model is model:
                for obj in objs:
                    sought.note(obj)
            return original(queryset, objs, *args, **kwargs)

        QuerySet.bulk_create = bulk_create  # type: ignore[method-assign,assignment]

    def finish(self) -> str:
        """A message naming what was found (and where the log is kept), or "" when the logs are clean."""
        attached = self.handler in self.root.handlers
        self.root.removeHandler(self.handler)
        self.handler.close()
        if not attached:
            return f"The session's log capture was detached from the root logger (a test reconfigured logging): {self.path}"
        found = self.sought.found_in(self.path.read_text(encoding="utf-8"))
        if found:
            return f"The logs hold patients' details ({len(found)}: {', '.join(found[:10])}); see {self.path}"
        self.path.unlink()
        return ""
