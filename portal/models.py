from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.audit_labels import AUTH_PREFIX, LOGIN_FAILURES, action_label, change_label, note_label
from portal.notifications.kinds import kind_choices
from portal.querysets import AuditEntryQuerySet


class AuditEntry(models.Model):
    """One recorded change: who did what to which object, and which fields changed."""

    action = models.CharField(_("action"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object ID"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    # {"field": [old, new]} as display strings, so entries stay readable after schema changes.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # A note the portal writes is a code registered in portal.audit_labels ("awards.ceremony.
    # swapped") with its parameters here, so that each reader reads it in their own language;
    # a person's words (a reason) are the note itself, with no parameters.
    note = models.TextField(_("note"), blank=True)
    note_params = models.JSONField(_("note's parameters"), default=dict, blank=True, db_default={})
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # Where a request came from: kept for the security log (logins, password resets, second
    # factors; portal/login_audit.py), empty on entries written by a command or a task.
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True, db_default="")

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            # The security log, newest first (portal.views.security_log).
            models.Index(
                models.F("created_at").desc(),
                models.F("id").desc(),
                condition=models.Q(action__startswith=AUTH_PREFIX),
                name="audit_auth_newest_first",
            ),
            # The login throttle counts recent failures per address and per username
            # (portal/login_throttle.py); object_repr is the username tried.
            models.Index(
                fields=["client_address", "created_at"],
                condition=models.Q(action__in=LOGIN_FAILURES),
                name="audit_login_failures_address",
            ),
            models.Index(
                fields=["object_repr", "created_at"],
                condition=models.Q(action__in=LOGIN_FAILURES),
                name="audit_login_failures_username",
            ),
        ]

    def __str__(self):
        return f"{self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def note_for_display(self) -> str:
        return note_label(self.note, self.note_params)

    def changes_for_display(self) -> list[tuple[str, str, str]]:
        """[(field label, old, new)] with choice codes shown as labels in the current language."""
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        rows = []
        for name, (old, new) in self.changes.items():
            try:
                field = model._meta.get_field(name)
            except (FieldDoesNotExist, AttributeError):
                rows.append((change_label(name), old, new))
                continue
            labels = dict(field.flatchoices) if field.choices else {}
            if isinstance(field, models.BooleanField):
                labels = {"True": _("Yes"), "False": _("No")}
            rows.append((field.verbose_name, labels.get(old, old), labels.get(new, new)))
        return rows


class Notification(models.Model):
    """Something a user should know. Title and body are rendered from `kind` and `params` when
    shown, in the reader's language, by the app that registered the kind
    (portal.notifications.kinds); params hold only what the recipient may read, never an
    event's restricted details."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=kind_choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    # Set for notifications that must not repeat (a daily digest, a reminder): one per key.
    key = models.CharField(_("key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set, under the row's lock, when the email went out: it goes out at most once.
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"]),
            # The user's list in its order: unread first, then the newest first (PostgreSQL
            # only: SQLite cannot create it, portal 0006).
            models.Index(
                "recipient",
                models.F("read_at").asc(nulls_first=True),
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="notification_list_order",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="one_notification_per_key",
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.kind}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class UserPreference(models.Model):
    """A user's language for emails and the kinds of notification they get no email about."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="preference",
    )
    language = models.CharField(
        _("language of emails"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    emails_off = models.JSONField(_("no email about"), default=list, blank=True)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self):
        return str(self.user)

    def wants_email(self, kind: str) -> bool:
        return kind not in self.emails_off


class FormSubmission(models.Model):
    """A create form sent once (portal/submissions.py): the one-time token of the form as it
    was shown, claimed in the transaction that creates the object, and what it created. The
    unique constraint makes a second claim of the same token, even at the same moment, wait
    for the first transaction and fail: a double-clicked form creates one object. The
    fingerprint of what was sent catches the same form sent again from a page shown anew
    (Back, then send again), which carries a new token."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    token = models.CharField(_("token"), max_length=64)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True, default="")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True)
    object_id = models.PositiveBigIntegerField(null=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form sent")
        verbose_name_plural = _("forms sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_token_used_once"),
        ]
        indexes = [
            models.Index(fields=["user", "created_at"], name="form_submission_age"),
            models.Index(fields=["user", "fingerprint"], name="form_submission_content"),
        ]

    def __str__(self):
        return self.token

    @property
    def created(self):
        """The object the form created, or None if it is gone."""
        if self.content_type is None:
            return None
        return self.content_type.model_class()._default_manager.filter(pk=self.object_id).first()


# API keys live with the rest of the API machinery (portal/api/).
from portal.api.models import ApiKey  # noqa: E402, F401
