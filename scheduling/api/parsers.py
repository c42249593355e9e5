"""JSON bodies, read with limits: a booking is a few hundred bytes."""

import json

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

# Far more than any real booking; anything bigger is refused unread.
MAX_BODY_BYTES = 16 * 1024


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = f"The request body is larger than {MAX_BODY_BYTES // 1024} KB."
    default_code = "too_large"


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser reads any size and lets a deeply nested body crash the view
    (RecursionError is not a ValueError); this one answers both with a 4xx."""

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return {}
        raw = stream.read(MAX_BODY_BYTES + 1)
        if len(raw) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError("The request body is not UTF-8 text.") from None
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError("The JSON is nested too deeply.") from None
        except ValueError as error:
            raise ParseError(f"The request body is not valid JSON: {error}.") from None
