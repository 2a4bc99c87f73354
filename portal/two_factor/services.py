"""Second-factor writes: enrolment, checking a code, new recovery codes, a reset by the
secretariat or an administrator. Every event goes into the audit trail, with the user as its
object: enrolled, verified, failed, recovery code used, recovery codes renewed, reset."""

import re
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import segno
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit import audit
from portal.rules import may_reset_second_factor, require
from portal.two_factor.policy import has_second_factor

RECOVERY_CODE_COUNT = 10
APP_NAME = "authenticator app"
RECOVERY_NAME = "recovery codes"

# Audit notes: where a code was given.
AT_LOGIN = "login"
AT_REAUTHENTICATION = "reauthentication"
AT_ENROLMENT = "enrolment"
TOO_SOON = "too soon"


class TooSoon(Exception):
    """Wrong codes were given just before: the next try must wait until `until`."""

    def __init__(self, until: datetime):
        super().__init__(until)
        self.until = until

    @property
    def seconds(self) -> int:
        return max(1, int((self.until - timezone.now()).total_seconds()) + 1)


@dataclass(frozen=True)
class Accepted:
    device: TOTPDevice | StaticDevice
    recovery_codes_left: int | None = None  # None: the code came from the app

    @property
    def was_recovery_code(self) -> bool:
        return self.recovery_codes_left is not None


def totp_device_pending(user) -> TOTPDevice:
    """The authenticator app being set up: the user's unconfirmed device, made if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def manual_key(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code, an SVG data URI (the CSP allows data: images)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def totp_enrol(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app being set up with a code it shows; returns the new recovery codes, or
    None when the code is wrong. Raises TooSoon after recent wrong codes."""
    outcome = _totp_enrol(user=user, device=device, code=code)
    if isinstance(outcome, TooSoon):
        raise outcome
    return outcome


@transaction.atomic
def _totp_enrol(*, user, device: TOTPDevice, code: str) -> list[str] | TooSoon | None:
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    allowed, details = device.verify_is_allowed()
    if not allowed:
        # Raised after the block: the throttling's count is kept.
        return TooSoon(details["locked_until"])
    if not device.verify_token(_digits(code)):
        audit(user, "auth.second_factor.failed", user, note=AT_ENROLMENT)
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _new_recovery_codes(user)
    audit(user, "auth.second_factor.enrolled", user)
    return codes


def _digits(code: str) -> str:
    return re.sub(r"\s", "", code or "")


def second_factor_check(*, user, code: str, at: str = AT_LOGIN) -> Accepted | None:
    """Check a code from the app (six digits) or a recovery code (used up by this); audit the
    outcome. None: wrong. Raises TooSoon while wrong codes given just before make it wait."""
    code = _digits(code).lower()
    locked_until = None
    with transaction.atomic():
        if re.fullmatch(r"[0-9]{6}", code):
            devices = TOTPDevice.objects.filter(user=user, confirmed=True)
        else:
            devices = StaticDevice.objects.filter(user=user, confirmed=True)
        for device in devices.select_for_update().order_by("pk"):
            allowed, details = device.verify_is_allowed()
            if not allowed:
                locked_until = details["locked_until"]
                audit(user, "auth.second_factor.failed", user, note=TOO_SOON)
                break
            if device.verify_token(code):
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    audit(user, "auth.second_factor.recovery_code_used", user, note=at)
                    return Accepted(device, recovery_codes_left=left)
                audit(user, "auth.second_factor.verified", user, note=at)
                return Accepted(device)
        else:
            audit(user, "auth.second_factor.failed", user, note=at)
    if locked_until is not None:
        raise TooSoon(locked_until)
    return None


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """New recovery codes in place of the old ones (which stop working)."""
    if not has_second_factor(user):
        raise ValueError("no second factor to renew the recovery codes of")
    codes = _new_recovery_codes(user)
    audit(user, "auth.second_factor.recovery_codes_renewed", user)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def second_factor_reset(*, user, actor) -> None:
    """Remove the user's app and recovery codes (a lost phone): they enrol again at their next
    login where it is required. Their sessions verified with the old app end."""
    require(may_reset_second_factor(actor, user))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit(actor, "auth.second_factor.reset", user)
