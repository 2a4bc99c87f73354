"""Award cycles and their rankings for customs' analysis tools (staff keys with
staff:cycles:read), with the scoping of the secretariat's pages; the decisions' rationale only
with staff:restricted:read."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from awards.models import Cycle, Nomination
from awards.selectors.ranking import ranking_of
from portal.api.pagination import ApiCursorPagination
from portal.api.permissions import HasScope
from portal.api.scopes import Scope


class CyclePagination(ApiCursorPagination):
    ordering = ("-year",)


class CycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cycle
        fields = [
            "year",
            "title_en",
            "title_zh",
            "status",
            "window_start",
            "window_end",
            "nomination_deadline",
            "scoring_deadline",
            "awards_planned",
        ]
        read_only_fields = fields


class _Cycles:
    permission_classes = [HasScope(Scope.STAFF_CYCLES_READ)]
    serializer_class = CycleSerializer

    def get_queryset(self):
        return Cycle.objects.visible_to(self.request.user)


class CycleList(_Cycles, generics.ListAPIView):
    """The award cycles, the latest first."""

    pagination_class = CyclePagination


class CycleDetail(_Cycles, generics.RetrieveAPIView):
    """One award cycle, by its year."""

    lookup_field = "year"


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="null: not ranked yet")
    enterprise = serializers.IntegerField(source="nomination.enterprise_id")
    br_number = serializers.CharField(source="nomination.enterprise.br_number")
    name_en = serializers.CharField(source="nomination.enterprise.name_en")
    name_zh = serializers.CharField(source="nomination.enterprise.name_zh")
    verified_events = serializers.IntegerField()
    cooperation_score = serializers.DecimalField(max_digits=5, decimal_places=2)
    panel_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    reviews = serializers.IntegerField()
    final_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    awarded = serializers.BooleanField(allow_null=True, help_text="null: not decided yet")
    streak = serializers.IntegerField()
    category_points = serializers.DictField(
        child=serializers.DecimalField(max_digits=8, decimal_places=2)
    )


class RestrictedRankingRowSerializer(RankingRowSerializer):
    rationale = serializers.CharField()


class RankingSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="cycle.year")
    frozen = serializers.BooleanField(help_text="true once the cycle is finalised")
    rows = RankingRowSerializer(many=True)


class Ranking(APIView):
    """The ranking of a cycle as the secretariat's ranking page shows it: live while the cycle
    is open, the frozen results once finalised; ranked nominees first, best first, then the
    pending ones."""

    permission_classes = [HasScope(Scope.STAFF_CYCLES_READ)]

    @extend_schema(responses=RankingSerializer, operation_id="staff_cycle_ranking")
    def get(self, request, year: int):
        cycle = get_object_or_404(Cycle.objects.visible_to(request.user), year=year)
        ranking = ranking_of(cycle, visible=Nomination.objects.visible_to(request.user))
        row_serializer = (
            RestrictedRankingRowSerializer
            if request.auth.has_scope(Scope.STAFF_RESTRICTED_READ)
            else RankingRowSerializer
        )
        return Response(
            {
                "year": cycle.year,
                "frozen": ranking.frozen,
                "rows": row_serializer(ranking.rows, many=True).data,
            }
        )
