import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_forbidden_page_explains_itself_in_the_users_language(
    client, compiled_catalogue, partner_user
):
    client.force_login(partner_user)
    client.cookies["django_language"] = "zh-hant"
    response = client.get(reverse("partners:event-list"))
    assert response.status_code == 403
    assert "不准存取" in response.content.decode()


def test_another_enterprises_page_is_simply_not_found(client, partner_user, other_enterprise):
    client.force_login(partner_user)
    response = client.get(other_enterprise.get_absolute_url())
    assert response.status_code == 404
    content = response.content.decode()
    assert "Page not found" in content
    assert other_enterprise.name_en not in content
