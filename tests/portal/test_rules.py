"""portal.rules: the verdict every app's rules answer with."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.rules import ALLOWED, forbid_unless, never, not_now, require


def test_an_allowed_verdict_is_truthy_and_requires_nothing():
    assert ALLOWED
    require(ALLOWED)
    forbid_unless(ALLOWED)


def test_never_is_a_403_with_its_reason():
    verdict = never("Only the secretariat does that.")
    assert not verdict and not verdict.not_now and str(verdict) == "Only the secretariat does that."
    with pytest.raises(PermissionDenied, match="Only the secretariat does that."):
        require(verdict)


def test_not_now_is_a_validation_error_in_a_service_and_a_403_on_a_page():
    verdict = not_now("Already verified.", code="stale")
    with pytest.raises(ValidationError) as raised:
        require(verdict)
    assert raised.value.messages == ["Already verified."] and raised.value.code == "stale"
    with pytest.raises(PermissionDenied, match="Already verified."):
        forbid_unless(verdict)
