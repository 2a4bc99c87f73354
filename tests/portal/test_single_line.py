"""Every text that goes on one line refuses line breaks and control characters, on every form
that writes it, with the same message; text saved before that no longer breaks an email."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards.forms.ceremony import CeremonyEntryForm
from awards.forms.cycles import CriterionForm, CycleForm
from partners.forms.colleagues import AcceptInvitationForm
from partners.forms.enterprises import EnterpriseForm
from partners.forms.events import EventForm
from partners.models import Enterprise, Membership
from partners.services import enterprises as enterprise_services
from portal.text import validate_single_line
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

MESSAGE = "Write this on one line, without line breaks, tabs or control characters."
# A line feed, a carriage return, a tab, NUL, an escape, a C1 control, the Unicode line
# separator, a right-to-left override.
BAD = ["A\nB", "A\rB", "A\tB", "A\x00B", "A\x1b[31mB", "A\x85B", "A\u2028B", "A\u202eB"]


@pytest.mark.parametrize("value", BAD)
def test_the_validator_refuses_line_breaks_and_control_characters(value):
    with pytest.raises(ValidationError) as refused:
        validate_single_line(value)
    assert refused.value.messages == [MESSAGE]


@pytest.mark.parametrize(
    "value", ["Kwai Chung Terminals", "葵涌碼頭有限公司", "O'Brien & Co. (HK) – 2024", "🚢 Lines"]
)
def test_the_validator_takes_ordinary_text(value):
    validate_single_line(value)


def _errors(form) -> dict:
    assert not form.is_valid()
    return form.errors


ENTERPRISE = {
    "name_en": "Harbour Freight Limited",
    "name_zh": "海港貨運有限公司",
    "br_number": "12345678",
    "sector": "cargo_terminal",
    "status": "active",
    "address": "1 Harbour Road\nWan Chai",  # an address has lines
    "contact_name": "Ms Chan",
    "contact_title": "Director",
    "contact_email": "chan@example.com",
    "contact_phone": "+852 2345 6789",
}


@pytest.mark.parametrize(
    "field", ["name_en", "name_zh", "contact_name", "contact_title", "contact_phone"]
)
def test_the_enterprise_form_refuses_a_line_break(field):
    form = EnterpriseForm({**ENTERPRISE, field: "Harbour\nFreight"})
    assert _errors(form) == {field: [MESSAGE]}


def test_the_enterprise_form_takes_an_address_on_several_lines():
    form = EnterpriseForm(ENTERPRISE)
    assert form.is_valid(), form.errors


def test_the_enterprise_service_refuses_a_line_break(secretariat):
    with pytest.raises(ValidationError) as refused:
        enterprise_services.enterprise_create(
            user=secretariat, **{**ENTERPRISE, "name_en": "Harbour\r\nFreight"}
        )
    assert refused.value.message_dict == {"name_en": [MESSAGE]}


def test_the_event_form_refuses_a_title_on_two_lines(enterprise):
    form = EventForm(
        {
            "enterprise": enterprise.pk,
            "event_type": "training",
            "occurred_on": "2024-05-17",
            "significance": "routine",
            "title": "Training\nfor staff",
        },
        enterprises=Enterprise.objects.all(),
    )
    assert _errors(form) == {"title": [MESSAGE]}


@pytest.mark.parametrize("field", ["title_en", "title_zh"])
def test_the_cycle_form_refuses_a_title_on_two_lines(field):
    form = CycleForm({"title_en": "EEPA 2025", "title_zh": "2025", field: "EEPA\t2025"})
    assert _errors(form)[field] == [MESSAGE]


@pytest.mark.parametrize("field", ["name_en", "name_zh"])
def test_the_criterion_form_refuses_a_name_on_two_lines(field):
    form = CriterionForm({"name_en": "Impact", "name_zh": "影響", "weight": "1", field: "A\nB"})
    assert _errors(form) == {field: [MESSAGE]}


@pytest.mark.parametrize(
    "field", ["representative_name", "representative_title", "pronunciation_note"]
)
def test_the_ceremony_form_refuses_a_line_break(field):
    form = CeremonyEntryForm({field: "Ms Chan\nWing-yan"})
    assert _errors(form) == {field: [MESSAGE]}


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_the_invitation_acceptance_refuses_a_name_on_two_lines(field):
    data = {
        "username": "ada",
        "first_name": "Ada",
        "last_name": "Wong",
        "password1": "harbour-lantern-1987",
        "password2": "harbour-lantern-1987",
        field: "Ada\u2028Wong",
    }
    form = AcceptInvitationForm(data, email="ada@example.com")
    assert _errors(form) == {field: [MESSAGE]}


def test_the_enterprise_page_says_it_on_the_field(client, secretariat):
    enterprise = EnterpriseFactory()
    client.force_login(secretariat)
    data = {
        **ENTERPRISE,
        "br_number": enterprise.br_number,
        "name_en": "Harbour\nFreight",
    }

    response = client.post(reverse("partners:enterprise-update", args=[enterprise.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {"name_en": [MESSAGE]}
    assert MESSAGE in response.content.decode()


def test_a_line_break_saved_in_a_name_before_does_not_break_the_invitation(
    client, partner_user, enterprise
):
    """Issue 13: the colleague invitation answered 500 (a line break in the mail's subject)."""
    Membership.objects.filter(user=partner_user).update(is_manager=True)
    Enterprise.objects.filter(pk=enterprise.pk).update(name_en="Harbour\nFreight\r\nLimited")
    client.force_login(partner_user)

    response = client.post(reverse("partners:colleague-invite"), {"email": "ada@example.com"})

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject == "[EEPA] Join Harbour Freight Limited in the EEPA portal"
