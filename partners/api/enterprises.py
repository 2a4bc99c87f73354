"""The enterprise registry for customs' analysis tools; enforcement concerns only with the
scope staff:restricted:read."""

from rest_framework import generics, serializers

from partners.models import EnforcementFlag, Enterprise
from portal.api.pagination import ApiCursorPagination
from portal.api.permissions import HasScope
from portal.api.scopes import Scope


class EnterprisePagination(ApiCursorPagination):
    ordering = ("name_en", "pk")


ENTERPRISE_FIELDS = [
    "id",
    "name_en",
    "name_zh",
    "br_number",
    "sector",
    "status",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_phone",
    "created_at",
]


class EnterpriseSerializer(serializers.ModelSerializer):
    contact_email = serializers.CharField(read_only=True, help_text="An email address, or blank")

    class Meta:
        model = Enterprise
        fields = ENTERPRISE_FIELDS
        read_only_fields = fields


class EnforcementFlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnforcementFlag
        exclude = ["enterprise"]
        read_only_fields = ["id"]


class RestrictedEnterpriseSerializer(EnterpriseSerializer):
    enforcement_flags = serializers.SerializerMethodField()

    class Meta(EnterpriseSerializer.Meta):
        fields = [*ENTERPRISE_FIELDS, "enforcement_flags"]
        read_only_fields = fields

    def get_enforcement_flags(self, enterprise) -> list[dict]:
        flags = EnforcementFlag.objects.visible_to(self.context["request"].user).filter(
            enterprise=enterprise
        )
        return EnforcementFlagSerializer(flags, many=True).data


class _Enterprises:
    permission_classes = [HasScope(Scope.STAFF_ENTERPRISES_READ)]
    pagination_class = EnterprisePagination

    def get_queryset(self):
        return Enterprise.objects.visible_to(self.request.user)


class StaffEnterpriseList(_Enterprises, generics.ListAPIView):
    """The enterprise registry, by English name."""

    serializer_class = EnterpriseSerializer


class StaffEnterpriseDetail(_Enterprises, generics.RetrieveAPIView):
    """One enterprise; its enforcement concerns only for a key with staff:restricted:read."""

    def get_serializer_class(self):
        if self.request.auth and self.request.auth.has_scope(Scope.STAFF_RESTRICTED_READ):
            return RestrictedEnterpriseSerializer
        return EnterpriseSerializer
