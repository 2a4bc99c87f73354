"""A partner's system reads its enterprise's standing (the band in the open cycle and its
published results, as on the partner's home: awards.selectors.standing) and its certificates
with their public verification addresses. Nothing of any other enterprise."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from awards.models import Certificate
from awards.pdf import verification_url
from awards.selectors.standing import open_cycle_standing, published_history
from partners.models import Enterprise
from portal.api.pagination import ApiCursorPagination
from portal.api.permissions import HasScope
from portal.api.scopes import Scope


class CategoryScoreSerializer(serializers.Serializer):
    event_type = serializers.CharField()
    label = serializers.CharField()
    points = serializers.DecimalField(max_digits=8, decimal_places=2)
    cap = serializers.DecimalField(max_digits=8, decimal_places=2)


class OpenCycleSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="cycle.year")
    title_en = serializers.CharField(source="cycle.title_en")
    title_zh = serializers.CharField(source="cycle.title_zh")
    band = serializers.CharField(help_text="top10, top25, top50 or below")
    band_label = serializers.CharField(source="band.label")
    cooperation_score = serializers.DecimalField(max_digits=5, decimal_places=2)
    verified_events = serializers.IntegerField()
    total_points = serializers.DecimalField(max_digits=8, decimal_places=2)
    total_cap = serializers.DecimalField(max_digits=8, decimal_places=2)
    categories = CategoryScoreSerializer(many=True)


class PublishedResultSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="cycle.year")
    title_en = serializers.CharField(source="cycle.title_en")
    title_zh = serializers.CharField(source="cycle.title_zh")
    awarded = serializers.BooleanField(source="result.awarded")
    cooperation_score = serializers.DecimalField(
        source="result.cooperation_score", max_digits=5, decimal_places=2
    )
    panel_score = serializers.DecimalField(
        source="result.panel_score", max_digits=5, decimal_places=2, allow_null=True
    )
    final_score = serializers.DecimalField(
        source="result.final_score", max_digits=5, decimal_places=2, allow_null=True
    )
    certificates = serializers.SerializerMethodField()

    def get_certificates(self, row) -> list[str]:
        return [certificate.serial for certificate in row.certificates]


class StandingSerializer(serializers.Serializer):
    enterprise_name_en = serializers.CharField()
    enterprise_name_zh = serializers.CharField()
    open_cycle = OpenCycleSerializer(allow_null=True)
    streak = serializers.IntegerField()
    published = PublishedResultSerializer(many=True)


def own_enterprise(user) -> Enterprise:
    """A partner key's enterprise (visible_to shows its principal only its own)."""
    enterprise = Enterprise.objects.visible_to(user).first()
    if enterprise is None:
        raise NotFound
    return enterprise


class Standing(APIView):
    """The enterprise's standing: in the open award cycle it is nominated in, its cooperation
    score and its band among the nominees (never another nominee's name or score); in the
    published cycles, its results and certificates' serial numbers; its current streak."""

    permission_classes = [HasScope(Scope.STANDING_READ)]

    @extend_schema(responses=StandingSerializer, operation_id="standing_retrieve")
    def get(self, request):
        enterprise = own_enterprise(request.user)
        history = published_history(enterprise, request.user)
        data = {
            "enterprise_name_en": enterprise.name_en,
            "enterprise_name_zh": enterprise.name_zh,
            "open_cycle": open_cycle_standing(enterprise),
            "streak": history.streak,
            "published": history.results,
        }
        return Response(StandingSerializer(data).data)


class CertificateSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="result.nomination.cycle.year", read_only=True)
    title_en = serializers.CharField(source="result.nomination.cycle.title_en", read_only=True)
    title_zh = serializers.CharField(source="result.nomination.cycle.title_zh", read_only=True)
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "serial",
            "year",
            "title_en",
            "title_zh",
            "name_en",
            "name_zh",
            "status",
            "issued_at",
            "verification_url",
        ]
        read_only_fields = fields

    def get_verification_url(self, certificate) -> str:
        return verification_url(certificate)


class CertificatePagination(ApiCursorPagination):
    ordering = ("-issued_at", "-pk")


class _Certificates:
    permission_classes = [HasScope(Scope.CERTIFICATES_READ)]
    serializer_class = CertificateSerializer
    pagination_class = CertificatePagination

    def get_queryset(self):
        # The issued certificates of its published awards (visible_to), as on its web page.
        return (
            Certificate.objects.visible_to(self.request.user)
            .exclude(pdf="")
            .select_related("result__nomination__cycle")
        )


class CertificateList(_Certificates, generics.ListAPIView):
    """The enterprise's certificates, the latest first, each with the public address that
    verifies it (printed on the certificate as a QR code)."""


class CertificateDetail(_Certificates, generics.RetrieveAPIView):
    """One of the enterprise's certificates; 404 for any other."""
