"""A person's name as they write it (portal.auth.person_name, the `person` filter)."""

import pytest
from django.template import Context, Template

from portal.auth import full_name, person_name
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        ("美玲", "陳", "陳美玲"),  # Chinese order: family name first, no space
        ("大文", "歐陽", "歐陽大文"),
        ("Mei-ling", "Chan", "Mei-ling Chan"),
        ("Mei-ling", "陳", "Mei-ling 陳"),  # mixed: as given
        (" 美玲 ", "", "美玲"),
        ("", "陳", "陳"),
        ("Ada", "", "Ada"),
        ("", "", ""),
    ],
)
def test_a_chinese_name_is_in_chinese_order_any_other_given_name_first(first, last, shown):
    assert full_name(first, last) == shown


def test_a_person_is_their_name_or_else_their_username():
    user = UserFactory(username="mchan", first_name="美玲", last_name="陳")
    assert person_name(user) == "陳美玲"
    assert Template("{% load portal %}{{ user|person }}").render(Context({"user": user})) == (
        "陳美玲"
    )
    assert person_name(UserFactory(username="nobody", first_name="", last_name="")) == "nobody"
    assert person_name(None) == ""
