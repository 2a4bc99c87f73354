"""Colleagues: a partner enterprise's managers invite and deactivate its users
(partners/services/colleagues.py); the invitation link's page, which needs no login."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from partners.forms.colleagues import AcceptInvitationForm, InvitationForm
from partners.models import Invitation, Membership
from partners.services import colleagues
from portal.auth import person_name
from portal.confirm import ask_confirmation, needs_confirmation
from portal.http import no_referrer
from portal.roles import Role, role_required
from portal.shortcuts import refusal_reported
from portal.submissions import ALREADY_SENT, AlreadySubmitted, submitted_once
from portal.two_factor.login import begin_login
from portal.two_factor.policy import enrolled, mode

# Every manager view: 403 unless the user is an active manager of an enterprise; 404 for
# another enterprise's membership or invitation.


def _colleague(request, pk) -> Membership:
    own = colleagues.managed_membership(request.user)
    return get_object_or_404(
        Membership.objects.people().filter(enterprise_id=own.enterprise_id), pk=pk
    )


def _page_context(own: Membership, form) -> dict:
    enterprise = own.enterprise
    return {
        "enterprise": enterprise,
        "own": own,
        "form": form,
        "members": enterprise.memberships.people()
        .select_related("user")
        .annotate(two_factor=enrolled("user"))
        .order_by("-is_active", "user__first_name", "user__last_name", "user__username"),
        "two_factor_mode": mode(),
        "invitations": Invitation.objects.pending()
        .filter(enterprise=enterprise)
        .select_related("invited_by"),
    }


@role_required(Role.PARTNER)
def colleague_list(request):
    own = colleagues.managed_membership(request.user)
    return render(
        request,
        "partners/colleagues/list.html",
        _page_context(own, InvitationForm(language=request.LANGUAGE_CODE)),
    )


@role_required(Role.PARTNER)
def colleague_invite(request):
    own = colleagues.managed_membership(request.user)
    form = InvitationForm(request.POST or None, language=request.LANGUAGE_CODE)
    if form.is_valid():
        email = form.cleaned_data["email"]
        language = form.cleaned_data["language"] or request.LANGUAGE_CODE
        try:
            with submitted_once(form, user=request.user) as submission:
                submission.record(
                    colleagues.invitation_send(user=request.user, email=email, language=language)
                )
        except AlreadySubmitted:
            messages.info(request, ALREADY_SENT)
            return redirect("partners:colleagues")
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
            return redirect("partners:colleagues")
    return render(request, "partners/colleagues/invite.html", _page_context(own, form))


def _done(request, outcome, success_message):
    if outcome.ok:
        messages.success(request, success_message)
    return redirect("partners:colleagues")


@require_POST
@role_required(Role.PARTNER)
def colleague_deactivate(request, pk):
    colleague = _colleague(request, pk)
    if colleague.is_active and colleague.user_id != request.user.pk and needs_confirmation(request):
        name = _name(colleague)
        return ask_confirmation(
            request,
            title=_("Deactivate %(name)s?") % {"name": name},
            summary=_(
                "Deactivate %(name)s: they will no longer see %(enterprise)s in the portal, "
                "nor send reports for it."
            )
            % {"name": name, "enterprise": colleague.enterprise.name},
            warning=_("You can reactivate them later from this page."),
            button=_("Deactivate"),
            cancel_url=reverse("partners:colleagues"),
        )
    with refusal_reported(request) as outcome:
        colleagues.colleague_set_active(user=request.user, membership=colleague, active=False)
    return _done(
        request,
        outcome,
        _("%(name)s can no longer see the enterprise.") % {"name": _name(colleague)},
    )


@require_POST
@role_required(Role.PARTNER)
def colleague_reactivate(request, pk):
    colleague = _colleague(request, pk)
    with refusal_reported(request) as outcome:
        colleagues.colleague_set_active(user=request.user, membership=colleague, active=True)
    return _done(request, outcome, _("%(name)s is active again.") % {"name": _name(colleague)})


@require_POST
@role_required(Role.PARTNER)
def colleague_manager(request, pk):
    colleague = _colleague(request, pk)
    is_manager = request.POST.get("is_manager") == "1"
    with refusal_reported(request) as outcome:
        colleagues.colleague_set_manager(
            user=request.user, membership=colleague, is_manager=is_manager
        )
    message = (
        _("%(name)s is now a manager.") if is_manager else _("%(name)s is no longer a manager.")
    )
    return _done(request, outcome, message % {"name": _name(colleague)})


@require_POST
@role_required(Role.PARTNER)
def colleague_two_factor(request):
    """The enterprise's managers require (or no longer require) a second factor of everyone."""
    required = request.POST.get("required") == "1"
    colleagues.enterprise_require_two_factor(user=request.user, required=required)
    message = (
        _("Every colleague now logs in with a second factor.")
        if required
        else _("A second factor is no longer required of your colleagues.")
    )
    messages.success(request, message)
    return redirect("partners:colleagues")


@require_POST
@role_required(Role.PARTNER)
def invitation_revoke(request, pk):
    own = colleagues.managed_membership(request.user)
    pending = Invitation.objects.filter(enterprise_id=own.enterprise_id)
    invitation = get_object_or_404(pending, pk=pk)
    if invitation.state() == Invitation.State.PENDING and needs_confirmation(request):
        return ask_confirmation(
            request,
            title=_("Withdraw the invitation to %(email)s?") % {"email": invitation.email},
            summary=_("Withdraw the invitation to %(email)s: its link will stop working at once.")
            % {"email": invitation.email},
            warning=_("A withdrawn invitation cannot be used again; you can send a new one."),
            button=_("Withdraw the invitation"),
            cancel_url=reverse("partners:colleagues"),
        )
    with refusal_reported(request) as outcome:
        colleagues.invitation_revoke(user=request.user, invitation=invitation)
    return _done(
        request,
        outcome,
        _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email},
    )


def _name(membership: Membership) -> str:
    return person_name(membership.user)


# The invitation link (no login required)

# Lazy: read in the visitor's language, not in the language active when the module loads.
UNUSABLE_MESSAGES = {
    Invitation.State.ACCEPTED: gettext_lazy("This invitation has already been used."),
    Invitation.State.REVOKED: gettext_lazy("This invitation has been withdrawn."),
    Invitation.State.EXPIRED: gettext_lazy("This invitation has expired."),
}


def _unusable(request, state: str | None):
    """404 for a link that matches no invitation, 410 for one that no longer works; the page
    says which, and nothing about the enterprise or the address."""
    message = UNUSABLE_MESSAGES.get(state, _("This invitation link is not valid."))
    return render(
        request,
        "partners/colleagues/invitation_unusable.html",
        {"message": message},
        status=404 if state is None else 410,
    )


# The token of the link being accepted, kept in the session once checked.
INVITATION_TOKEN_KEY = "_invitation_token"


@no_referrer
def invitation_open(request, token):
    """The link in the email. A pending invitation's token is kept in the session and the
    browser sent on at once to the form's address, which holds no token: the token appears in
    the access log's line of this one request only, and (no Referer) in no other."""
    if request.method == "POST":
        return invitation_accept(request, token=token)
    invitation = colleagues.invitation_for_token(token)
    if invitation is None:
        return _unusable(request, None)
    if invitation.state() != Invitation.State.PENDING:
        return _unusable(request, invitation.state())
    request.session[INVITATION_TOKEN_KEY] = token
    return redirect("partners:invitation-form")


def invitation_accept(request, token=None):
    """The form of the invitation whose token the session holds (or, posted straight to the
    link, the link's)."""
    token = token or request.session.get(INVITATION_TOKEN_KEY, "")
    invitation = colleagues.invitation_for_token(token) if token else None
    if invitation is None:
        return _unusable(request, None)
    if invitation.state() != Invitation.State.PENDING:
        return _unusable(request, invitation.state())
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = colleagues.invitation_accept(
                token=token,
                username=data["username"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except Invitation.DoesNotExist:
            return _unusable(request, None)
        except colleagues.InvitationUnusable as unusable:
            return _unusable(request, unusable.state)
        except ValidationError as exc:
            form.add_error("username" if exc.code == "username" else None, exc)
        else:
            request.session.pop(INVITATION_TOKEN_KEY, None)
            messages.success(
                request,
                _("Welcome, %(name)s. Your account is ready.") % {"name": person_name(user)},
            )
            # The account was just made by the link's holder: not through authenticate(), which
            # a login lock-out of their address (a shared office address) would refuse; on to
            # setting up a second factor first if the enterprise requires one.
            user.backend = "portal.auth.PortalBackend"
            return begin_login(request, user, reverse("my-enterprise"))
    return render(
        request,
        "partners/colleagues/accept.html",
        {"form": form, "invitation": invitation},
    )
