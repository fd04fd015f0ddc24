"""JSON bodies with limits: a body too big answers 413, one nested too deep or malformed 400, never 500."""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions, parsers
from rest_framework.request import Request

# Django's own limit of a body read in memory (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB by default), which
# DRF's JSON parsing goes through: 1,000 Current Views of 50 answers in words take about 1 MB.
MAX_BODY_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = f"The body is larger than {MAX_BODY_BYTES} bytes: send fewer Current Views per call."
    default_code = "body_too_large"


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


class LimitedJSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        body = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        try:
            return json.loads(body, parse_constant=_refuse_constant)
        except RecursionError as error:
            raise exceptions.ParseError("JSON parse error - nested too deeply") from error
        except ValueError as error:
            raise exceptions.ParseError(f"JSON parse error - {error}") from error


def body_of(request: Request) -> Any:
    """The parsed JSON body; 413 when it is larger than the limit."""
    try:
        return request.data
    except RequestDataTooBig as error:
        raise BodyTooLarge() from error
