"""A request body larger than the page takes is refused before anything reads it."""

import pytest
from django.urls import reverse

from partners.models import CooperationEvent

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read

    def __iter__(self):
        raise AssertionError("the body was read")


def _post_declaring(client, url: str, length: int, **headers):
    return client.generic(
        "POST",
        url,
        b"",
        CONTENT_TYPE="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
        **headers,
    )


def test_a_150_mb_body_is_refused_before_it_is_read(client, officer, settings):
    client.force_login(officer)

    response = _post_declaring(client, reverse("partners:event-create"), 150 * MB)

    assert response.status_code == 413
    text = response.content.decode()
    assert "What you sent is 150.0\xa0MB; this page takes at most 50.0\xa0MB." in text
    assert "each evidence file or attachment may be up to 10.0\xa0MB" in text
    assert not CooperationEvent.objects.exists()


def test_the_limit_is_a_setting(client, officer, settings):
    settings.REQUEST_MAX_BYTES = 2 * MB
    client.force_login(officer)

    response = _post_declaring(client, reverse("partners:event-create"), 2 * MB + 1)

    assert response.status_code == 413


def test_an_anonymous_post_is_refused_too(client):
    response = _post_declaring(client, reverse("login"), 80 * MB)
    assert response.status_code == 413


def test_the_import_takes_its_larger_files_but_no_more(client, officer):
    client.force_login(officer)
    url = reverse("partners:event-import")

    assert _post_declaring(client, url, 102 * MB).status_code == 413
    # 60 MB passes the limit: the body is then read (a stand-in that says so).
    with pytest.raises(AssertionError, match="the body was read"):
        _post_declaring(client, url, 60 * MB)


def test_a_body_sent_in_chunks_is_refused(client, officer):
    client.force_login(officer)

    response = _post_declaring(
        client, reverse("partners:event-create"), 0, HTTP_TRANSFER_ENCODING="chunked"
    )

    assert response.status_code == 411
    assert "The portal takes only requests that say their length." in response.content.decode()


def test_an_ordinary_form_is_not_affected(client, officer, enterprise):
    client.force_login(officer)
    response = client.post(
        reverse("partners:event-create"),
        {
            "enterprise": enterprise.pk,
            "event_type": CooperationEvent.EventType.TRAINING,
            "occurred_on": "2024-05-17",
            "significance": CooperationEvent.Significance.ROUTINE,
            "title": "Training",
        },
    )
    assert response.status_code == 302
    assert CooperationEvent.objects.count() == 1
