from portal.roles import STAFF_ROLES, Role, has_role


def navigation(request):
    """Which menu entries the signed-in user may follow (the views enforce the same rules)."""
    user = request.user
    return {
        "nav": {
            "staff": has_role(user, *STAFF_ROLES),
            "officer": has_role(user, Role.OFFICER),
            "secretariat": has_role(user, Role.SECRETARIAT),
            "panel": has_role(user, Role.PANEL),
            "partner": has_role(user, Role.PARTNER),
        }
    }
