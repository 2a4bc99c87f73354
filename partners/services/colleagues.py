"""Colleagues: a partner enterprise's managers invite, deactivate and reactivate its users and
name other managers. Every write audited, in a transaction, under the enterprise's row lock (so
that two managers acting at once never leave the enterprise without an active manager).

An invitation link carries a random token; the database keeps only its SHA-256, so a copy of
the database does not let anyone join an enterprise. An invitation to an address that already
belongs to a portal account is refused when it is accepted (one account belongs to one
enterprise at most: Membership.user is one-to-one); the secretariat attaches such accounts in
the admin.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partners import rules
from partners.models import Enterprise, Invitation, Membership
from portal.audit import audit
from portal.auth import person_name
from portal.models import UserPreference
from portal.roles import Role
from portal.rules import require
from portal.submissions import submission_forget
from portal.text import one_line

User = get_user_model()

RATE_LIMIT_WINDOW = datetime.timedelta(days=1)


class InvitationUnusable(Exception):
    """The link's invitation was accepted, withdrawn or has expired (state in `state`)."""

    def __init__(self, state: str):
        super().__init__(state)
        self.state = state


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def managed_membership(user) -> Membership:
    """The user's own membership if they are an active manager of an enterprise; else 403."""
    membership = Membership.objects.filter(user=user, is_active=True, is_manager=True).first()
    require(rules.may_manage_colleagues(user, membership))
    return membership


def _lock(enterprise_id: int) -> Enterprise:
    return Enterprise.objects.select_for_update().get(pk=enterprise_id)


def _locked_colleague(*, user, membership: Membership) -> tuple[Membership, Membership]:
    """(the acting manager's membership, the colleague's), re-read under the enterprise's lock."""
    own = managed_membership(user)
    if membership.enterprise_id != own.enterprise_id:
        raise PermissionDenied
    _lock(own.enterprise_id)
    own = managed_membership(user)
    return own, Membership.objects.select_related("user").get(pk=membership.pk)


def _active_managers(enterprise_id: int):
    return Membership.objects.active().filter(enterprise_id=enterprise_id, is_manager=True)


# Invitations


@transaction.atomic
def invitation_send(*, user, email: str, language: str | None = None) -> Invitation:
    """Invite `email` to the manager's enterprise; a pending invitation to the same address is
    withdrawn and replaced. The email goes out in `language`, the invitee's (by default the
    inviter's current language), which becomes the new account's language of emails."""
    language = language or translation.get_language()
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose a language of the portal."), code="language")
    own = managed_membership(user)
    enterprise = _lock(own.enterprise_id)
    email = User.objects.normalize_email(email.strip()).lower()
    if Membership.objects.filter(
        enterprise=enterprise, is_active=True, user__email__iexact=email
    ).exists():
        raise ValidationError(_("%(email)s already belongs to your enterprise.") % {"email": email})
    now = timezone.now()
    sent = Invitation.objects.filter(
        enterprise=enterprise, created_at__gt=now - RATE_LIMIT_WINDOW
    ).count()
    if sent >= settings.INVITATION_RATE_LIMIT:
        raise ValidationError(
            _(
                "Your enterprise has sent the most invitations allowed within 24 hours "
                "(%(limit)d). Please try again tomorrow."
            )
            % {"limit": settings.INVITATION_RATE_LIMIT}
        )
    for old in Invitation.objects.pending(now).filter(enterprise=enterprise, email__iexact=email):
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
        audit(user, "partners.invitation.revoked", old, note="replaced")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        enterprise=enterprise,
        email=email,
        language=language,
        invited_by=user,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    audit(user, "partners.invitation.sent", invitation, {"email": ["", email]})
    # Sent inside the transaction: if sending fails, no invitation is left behind that nobody
    # received, and the manager sees the error and can try again.
    _send_invitation_email(invitation, token)
    return invitation


def invitation_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("partners:invitation-accept", args=[token])


def _send_invitation_email(invitation: Invitation, token: str) -> None:
    inviter = invitation.invited_by
    with translation.override(invitation.language):
        context = {
            "inviter": person_name(inviter),
            # The enterprise's name in the email's language first, then in the other.
            "enterprise": invitation.enterprise.name,
            "enterprise_other": invitation.enterprise.name_other,
            "link": invitation_url(token),
            "expires_at": invitation.expires_at,
            "days": settings.INVITATION_VALID_DAYS,
        }
        # One line whatever the names hold (a name saved with a line break before the fields
        # refused them would make the mail header invalid).
        subject = one_line(render_to_string("emails/invitation_subject.txt", context))
        body = render_to_string("emails/invitation_body.txt", context)
    EmailMessage(
        subject=subject,
        body=body,
        to=[invitation.email],
        headers={"Content-Language": invitation.language},
    ).send()


@transaction.atomic
def invitation_revoke(*, user, invitation: Invitation) -> Invitation:
    own = managed_membership(user)
    if invitation.enterprise_id != own.enterprise_id:
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state() != Invitation.State.PENDING:
        raise ValidationError(_("Only pending invitations can be withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit(user, "partners.invitation.revoked", invitation)
    # Withdrawn, the invitation may be sent again to the same address at once.
    submission_forget(created=invitation)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("enterprise").filter(token_hash=token_hash(token)).first()
    )


@transaction.atomic
def invitation_accept(
    *, token: str, username: str, password: str, first_name: str = "", last_name: str = ""
):
    """Create the invited partner user and their active membership. The invitation row is
    locked, so a second submission of the same link waits, then finds it accepted."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise Invitation.DoesNotExist
    state = invitation.state()
    if state != Invitation.State.PENDING:
        raise InvitationUnusable(state)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(
            _(
                "A portal account with this email address already exists. An account belongs "
                "to one enterprise only: please ask the EEPA Secretariat to attach it."
            ),
            code="existing_account",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("This username is taken; please choose another."), code="username")
    user = User.objects.create_user(
        username=username,
        email=invitation.email,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )
    user.groups.add(Group.objects.get_or_create(name=Role.PARTNER)[0])
    UserPreference.objects.create(user=user, language=invitation.language)
    membership = Membership.objects.create(user=user, enterprise_id=invitation.enterprise_id)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(user, "partners.invitation.accepted", invitation)
    audit(user, "partners.membership.created", membership, note="invitation")
    return user


# Colleagues


@transaction.atomic
def colleague_set_active(*, user, membership: Membership, active: bool) -> Membership:
    """Deactivate (or reactivate) a colleague's membership; never one's own, never the last
    active manager. The account stays: it only loses sight of the enterprise."""
    own, membership = _locked_colleague(user=user, membership=membership)
    if membership.pk == own.pk:
        raise ValidationError(_("You cannot deactivate or reactivate yourself."))
    if membership.is_active == active:
        return membership
    if (
        not active
        and membership.is_manager
        and not _active_managers(membership.enterprise_id).exclude(pk=membership.pk).exists()
    ):
        raise ValidationError(_("The enterprise must keep at least one active manager."))
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    audit(
        user,
        "partners.membership.reactivated" if active else "partners.membership.deactivated",
        membership,
        {"is_active": [str(not active), str(active)]},
    )
    return membership


@transaction.atomic
def colleague_set_manager(*, user, membership: Membership, is_manager: bool) -> Membership:
    """Make an active colleague a manager, or no longer one (oneself included), as long as an
    active manager remains."""
    _own, membership = _locked_colleague(user=user, membership=membership)
    if membership.is_manager == is_manager:
        return membership
    if is_manager and not membership.is_active:
        raise ValidationError(_("Reactivate this colleague before making them a manager."))
    if (
        not is_manager
        and not _active_managers(membership.enterprise_id).exclude(pk=membership.pk).exists()
    ):
        raise ValidationError(_("The enterprise must keep at least one active manager."))
    membership.is_manager = is_manager
    membership.save(update_fields=["is_manager"])
    audit(
        user,
        "partners.membership.updated",
        membership,
        {"is_manager": [str(not is_manager), str(is_manager)]},
    )
    return membership


@transaction.atomic
def enterprise_require_two_factor(*, user, required: bool) -> Enterprise:
    """A manager asks (or no longer asks) every user of their enterprise to log in with a
    second factor; each one without it sets up an app at their next login."""
    own = managed_membership(user)
    enterprise = _lock(own.enterprise_id)
    if enterprise.two_factor_required == required:
        return enterprise
    enterprise.two_factor_required = required
    enterprise.save(update_fields=["two_factor_required", "updated_at"])
    audit(
        user,
        "partners.enterprise.updated",
        enterprise,
        {"two_factor_required": [str(not required), str(required)]},
    )
    return enterprise


def two_factor_required_by_enterprise(user) -> bool:
    """For portal.two_factor.policy: the user belongs to an enterprise that requires it."""
    return Membership.objects.filter(
        user=user, is_active=True, enterprise__two_factor_required=True
    ).exists()
