from partners.filters import AWAITING_VERIFICATION
from portal.roles import STAFF_ROLES, Role, has_role, user_roles


def navigation(request):
    """Which menu entries the signed-in user may follow (the views enforce the same rules)."""
    user = request.user
    return {
        "awaiting_verification_query": AWAITING_VERIFICATION,
        "nav": {
            "staff": has_role(user, *STAFF_ROLES),
            "officer": has_role(user, Role.OFFICER),
            "secretariat": has_role(user, Role.SECRETARIAT),
            "panel": has_role(user, Role.PANEL),
            # Not has_role: a superuser holds every role but has no enterprise of their own.
            "partner": Role.PARTNER in user_roles(user),
        },
    }
