"""Print the demo users, their roles, the password and the staff users' authenticator keys
(`make demo` shows this)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from partners.models import Enterprise
from portal.auth import full_name
from seeds.commands import require_demo
from seeds.users import DEMO_PASSWORD, DEMO_URL, DEMO_USERS

SECOND_FACTOR_NOTE = {
    "optional": (
        "The staff users log in with a second factor: add the user's authenticator key to an\n"
        "authenticator app (Google Authenticator, FreeOTP...: 'enter a setup key', time-based)\n"
        "and type the six digits it shows after the password. The partners may set one up.\n"
        "STAFF_2FA=off make demo: nobody is asked.\n"
    ),
    "required": (
        "Every staff user logs in with a second factor: add the user's authenticator key to an\n"
        "authenticator app and type the six digits it shows after the password.\n"
    ),
    "off": "STAFF_2FA is off: nobody is asked for a second factor.\n",
}


class Command(BaseCommand):
    help = "Print the demo logins created by seed_demo."

    def handle(self, *args, **options):
        require_demo()
        names = dict(
            Enterprise.objects.filter(
                br_number__in=[user.br_number for user in DEMO_USERS if user.br_number]
            ).values_list("br_number", "name_en")
        )
        rows = [("Username", "Role", "Name", "Enterprise", "Authenticator key (TOTP)")]
        rows += [
            (
                user.username,
                user.role_label,
                full_name(user.first_name, user.last_name),
                names.get(user.br_number, user.br_number),
                user.totp_secret,
            )
            for user in DEMO_USERS
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        self.stdout.write(
            "\nDemo logins (every user's password: {password})\n\n{table}\n\n"
            "{second_factor}\n"
            "Open {url} and sign in.\n".format(
                password=DEMO_PASSWORD,
                table="\n".join(lines),
                second_factor=SECOND_FACTOR_NOTE[settings.STAFF_2FA],
                url=DEMO_URL,
            )
        )
