"""The OpenAPI description lists the answers every endpoint can give, not only its own.

Each view's @extend_schema lists what that endpoint decides (201, 400, 409…). Two
answers come from DRF before the view runs, so they are added here for every
endpoint they apply to, and a new endpoint gets them without anyone remembering:

- 415 where the operation takes a body: anything but `application/json` is refused;
- 429 where the view is throttled, with the Retry-After header.

REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] names this class.
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="A sentence saying what was wrong.")


UNSUPPORTED_MEDIA_TYPE = "The body is not `application/json` (or has no Content-Type)."
THROTTLED = (
    "Too many requests from this caller (per address, or per person when signed in). "
    "Retry-After says how many seconds to wait."
)
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    }
}


class ClinicAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        if "requestBody" in operation:
            responses.setdefault("415", self._error(UNSUPPORTED_MEDIA_TYPE))
        if getattr(self.view, "throttle_classes", None):
            responses.setdefault("429", self._error(THROTTLED, headers=RETRY_AFTER))
        return operation

    def _error(self, description: str, *, headers: dict | None = None) -> dict:
        body = self.resolve_serializer(ErrorDetailSerializer, "response").ref
        response = {"description": description, "content": {"application/json": {"schema": body}}}
        if headers:
            response["headers"] = headers
        return response
