"""The API's own endpoint: what the key a request carries is (a first call to check a setup)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from portal.api.models import ApiKey


class ApiKeySerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiKey
        fields = ["name", "prefix", "kind", "scopes", "created_at", "expires_at"]
        read_only_fields = fields


@extend_schema(responses=ApiKeySerializer, operation_id="key_retrieve")
@api_view(["GET"])
def current_key(request):
    """The key this request was made with: its name, kind, scopes and expiry."""
    return Response(ApiKeySerializer(request.auth).data)
