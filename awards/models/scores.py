"""Scores kept so that pages read them in one indexed query instead of aggregating the whole
history: per cycle and enterprise, the verified events of the window counted by type and
significance with the cooperation score they give; per nomination, the panel's part and the
final score.

Kept numbers, never the source of truth: awards.services.scores updates them in the same
transaction as every change that moves them (an event that starts or stops counting, the
cycle's rules, window, weights or quorum, a review that starts or stops counting, a nomination)
and `manage.py rebuild_derived` recomputes them from the records. A test
(tests/awards/test_kept_scores.py) proves that after any sequence of such changes they equal a
fresh computation from the events and reviews (awards.selectors.scores.score_nominations). A
finalised cycle's frozen results (NominationResult) never read these.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from awards.models.cycles import Cycle
from awards.models.nominations import Nomination
from partners.models import Enterprise

SCORE = {"max_digits": 12, "decimal_places": 4}


class CooperationTally(models.Model):
    """An enterprise's verified events inside a cycle's window, and what they score under the
    cycle's rules. A row exists for every enterprise with at least one such event."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="tallies")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="tallies")
    # {event type: {significance: number of verified events}}: what the rules apply to.
    counts = models.JSONField(_("verified events by type and significance"), default=dict)
    verified_events = models.PositiveIntegerField(_("verified events in the window"), default=0)
    # Σ_k P_k, the capped category points: the cooperation score is 100 × this / Σ_k c_k.
    points_total = models.DecimalField(_("category points"), default=0, **SCORE)
    cooperation_score = models.DecimalField(
        _("cooperation score"), max_digits=6, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("cooperation tally")
        verbose_name_plural = _("cooperation tallies")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "enterprise"], name="one_tally_per_cycle"),
        ]
        indexes = [
            # The dashboard's top enterprises of a cycle.
            models.Index(fields=["cycle", "-points_total"], name="tally_cycle_points"),
        ]

    def __str__(self):
        return f"{self.cycle_id}/{self.enterprise_id}: {self.cooperation_score}"


class NominationScore(models.Model):
    """A nomination's scores as the live ranking reads them (docs/scoring.md)."""

    nomination = models.OneToOneField(
        Nomination, on_delete=models.CASCADE, primary_key=True, related_name="score"
    )
    # Copied from the nomination for the ranking's index: its cycle and tie-break.
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    br_number = models.CharField(max_length=8)
    active = models.BooleanField(default=True)
    verified_events = models.PositiveIntegerField(default=0)
    cooperation_score = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    # Counted reviews (submitted, member not recused) and Σ weight × score over them.
    reviews = models.PositiveIntegerField(default=0)
    panel_weighted = models.DecimalField(default=0, **SCORE)
    panel_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    final_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    pending = models.BooleanField(default=True)  # fewer counted reviews than the quorum

    class Meta:
        verbose_name = _("nomination score")
        verbose_name_plural = _("nomination scores")
        indexes = [
            # The live ranking, best first (docs/scoring.md's order).
            models.Index(
                fields=[
                    "cycle",
                    "pending",
                    "-final_score",
                    "-cooperation_score",
                    "-verified_events",
                    "br_number",
                ],
                name="score_ranking_order",
            ),
            # A partner's band: nominees with a better cooperation score.
            models.Index(fields=["cycle", "-cooperation_score"], name="score_cooperation"),
        ]

    def __str__(self):
        return f"{self.nomination_id}: {self.final_score}"
