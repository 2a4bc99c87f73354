"""The demo users: created by `seed_demo`, listed by `demo_logins`, written in the README."""

from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from portal.roles import Role

DEMO_PASSWORD = "eepa-demo-2024"
DEMO_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role | None  # None: the superuser, who holds every role
    br_number: str = ""  # partner users: the enterprise of their membership (seeds/)

    @property
    def is_superuser(self) -> bool:
        return self.role is None

    @property
    def role_label(self) -> str:
        return "Superuser" if self.is_superuser else str(self.role.label)

    @property
    def totp_secret(self) -> str:
        return DEMO_TOTP_SECRETS.get(self.username, "")


DEMO_USERS = [
    DemoUser("officer", "Olivia", "Chan", Role.OFFICER),
    DemoUser("officer2", "Marcus", "Lee", Role.OFFICER),
    DemoUser("verifier", "Vera", "Wong", Role.VERIFIER),
    DemoUser("secretariat", "Sandy", "Lau", Role.SECRETARIAT),
    DemoUser("secretariat2", "Kenneth", "Ho", Role.SECRETARIAT),
    DemoUser("panel1", "Grace", "Leung", Role.PANEL),
    DemoUser("panel2", "Raymond", "Tsui", Role.PANEL),
    DemoUser("panel3", "Helen", "Kwok", Role.PANEL),
    # The panel's alternate in every cycle: steps in where a conflict leaves a nominee short.
    DemoUser("panel4", "Winnie", "Chow", Role.PANEL),
    # Stonecutters Gateway Terminals: the cargo terminal operator of the record seizure.
    DemoUser("partner1", "Siu-fung", "Leung", Role.PARTNER, br_number="61458302"),
    # Harbour Melody Records: a rights owner in the other sector.
    DemoUser("partner2", "Alan", "Szeto", Role.PARTNER, br_number="53360278"),
    DemoUser("admin", "Ada", "Ng", None),
]

# The staff users' authenticator-app keys (base32): `seed_demo` enrols them with these, and
# `demo_logins` prints them, so that a newcomer can add any of them to an authenticator app
# (with DEBUG on, STAFF_2FA is "optional": the enrolled are asked for a code). Published: demo
# only. The partner users are not enrolled: a second factor is offered to them, not required.
DEMO_TOTP_SECRETS = {
    "officer": "WANYZVPKD3G6VIP25ORRY7GQLM75TFLU",
    "officer2": "4BKJUK3SZRXER5KUWMUOHYRKDPEIVXNB",
    "verifier": "DNCHLEFD7K5W4GFGISHSAWQOWRZVHDI7",
    "secretariat": "BTAQRIVN7ONYTELAFLBVNPMAAN7TW25C",
    "secretariat2": "OCD4FIKHCXJJWXDCGB7GDNPUNQZU2AWD",
    "panel1": "25QV7NISBGBI6AKZOLGUIIEL4V6CBUYZ",
    "panel2": "LHOH5OQMLCYI74FNXZIB777FGFIOBMEB",
    "panel3": "ZFOGRSFXIEUD2BSLEU2KCARCVSQOHJBR",
    "panel4": "TDZPT6CRB75ZGX3AHSHAGSGW2G5CZLTS",
    "admin": "MBACIW7YTJXDWV2JHWS2PEEVFIHLXVRV",
}


@contextmanager
def emails_discarded():
    """Send the emails of the block to nowhere. Seeding fires the real notification triggers,
    and the demo runs Celery eagerly with the console email backend: without this, `make demo`
    would print a few hundred emails of 2022-2025 into the terminal. The notifications
    themselves are kept (and marked emailed): they are the demo's in-app history."""
    previous = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = previous
