"""The OpenAPI schema's parts that are the same for every endpoint: the key as a bearer token,
the required scope in each operation's description, and the problem responses."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

PROBLEM_STATUSES = {
    "400": "Invalid request: see `errors` for each field.",
    "401": "No key, or a key that is unknown, revoked or expired.",
    "403": "The key lacks the scope this operation needs.",
    "404": "Not found, or not visible to this key.",
    "406": "The Accept header asks for something other than JSON.",
    "429": "Too many requests: wait for Retry-After seconds.",
}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; every error of the API has this shape.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "detail": {"type": "string"},
                },
                "required": ["field", "code", "detail"],
            },
        },
    },
    "required": ["type", "title", "status", "code", "detail"],
}


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "eepa_<prefix>_<secret>",
            "description": "An API key, created in the portal (docs/api.md).",
        }


class ApiAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """A list of serializers (`many=True`) states its length limits, which
        drf-spectacular leaves out: a client reads them from the schema, and a request that
        keeps to the schema is accepted."""
        result = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ListSerializer):
            if field.min_length is not None:
                result["minItems"] = field.min_length
            if field.max_length is not None:
                result["maxItems"] = field.max_length
        return result

    def get_description(self):
        description = super().get_description() or ""
        scopes = [
            scope
            for permission in self.view.get_permissions()
            for scope in getattr(permission, "required_scopes", ())
        ]
        if scopes:
            description += f"\n\nRequires the scope{'s' if len(scopes) > 1 else ''} " + ", ".join(
                f"`{scope}`" for scope in scopes
            )
        return description.strip()


def add_problem_responses(result, generator, request, public):
    """POSTPROCESSING_HOOKS: the Problem component, and every operation's error responses."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    reference = {"$ref": "#/components/schemas/Problem"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in PROBLEM_STATUSES.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": reference}},
                    },
                )
    return result
