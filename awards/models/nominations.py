"""Nominations and the frozen result each gets when its cycle is finalised."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from awards.models.cycles import Cycle
from awards.querysets import (
    NominationQuerySet,
)
from awards.statuses import NominationStatus
from partners.models import Enterprise


class Nomination(models.Model):
    Status = NominationStatus

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="nominations")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="nominations")
    # The enterprise's English name, kept for the order by name of a member's thousands of
    # nominees (the panel home) without reading the whole enterprises table; it follows a
    # rename (awards.services.nominations.on_enterprise_saved).
    sort_name = models.CharField(max_length=200, editable=False, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    nominated_at = models.DateTimeField(_("nominated at"), auto_now_add=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # The secretariat's decision before finalisation; None while undecided.
    awarded = models.BooleanField(_("awarded"), null=True, blank=True)
    decision_rationale = models.TextField(
        _("rationale"),
        blank=True,
        help_text=_("Required when the decision departs from the ranking."),
    )

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["cycle", "enterprise__name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "enterprise"], name="one_nomination_per_cycle"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise.name_en} – {self.cycle.year}"

    def save(self, *args, **kwargs):
        if self._state.adding and not self.sort_name:
            self.sort_name = self.enterprise.name_en
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("awards:dossier", args=[self.cycle.year, self.pk])


class NominationResult(models.Model):
    """The frozen outcome of one nomination, written once when its cycle is finalised.
    Later changes to events or reviews never touch it."""

    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="result")
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)  # None: pending
    category_points = models.JSONField(_("category points"), default=dict)  # {type: "12.00"}
    verified_events = models.PositiveIntegerField(_("verified events"))
    cooperation_score = models.DecimalField(_("cooperation score"), max_digits=5, decimal_places=2)
    panel_score = models.DecimalField(
        _("panel score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    reviews = models.PositiveSmallIntegerField(_("reviews"))
    final_score = models.DecimalField(
        _("final score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    awarded = models.BooleanField(_("awarded"))
    rationale = models.TextField(_("rationale"), blank=True)
    streak = models.PositiveSmallIntegerField(_("streak"), default=0)

    class Meta:
        verbose_name = _("frozen result")
        verbose_name_plural = _("frozen results")
        ordering = ["rank"]

    def __str__(self):
        return f"{self.nomination}: {self.final_score}"
