import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from debates.interchange.importing import UPLOAD_MAX_BYTES
from debates.models import Argument, Motion
from tests.factories import UserFactory

ARGDOWN = "[Tea]: Tea is best.\n  + [Warm]: It is warm.\n    _ [U]: undercut\n"
URL = "/motions/import/"


@pytest.mark.django_db
def test_a_member_uploads_argdown_and_gets_a_new_motion(client, member):
    client.force_login(member)
    assert client.get(URL).status_code == 200
    upload = SimpleUploadedFile("tea.argdown", ARGDOWN.encode(), content_type="text/plain")
    response = client.post(URL, {"format": "argdown", "file": upload}, follow=True)
    motion = Motion.objects.get()
    assert response.redirect_chain == [(motion.get_absolute_url(), 303)]
    assert (motion.title, motion.author) == ("Tea", member)
    assert Argument.objects.get(motion=motion).claim == "It is warm."
    assert "Line 3: a relation &#x27;_&#x27; Crux cannot show" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"format": "argdown", "text": "  + [b]: orphan"}, 422, "Line 1: a relation needs"),
        ({"format": "kialo", "text": "no numbers"}, 422, "Line 1: expected a numbered claim"),
        ({"format": "argdown", "text": " "}, 422, "Choose a file or paste the text"),
        ({"format": "csv", "text": "x"}, 422, "Select a valid choice"),
        (
            {"format": "argdown", "file": SimpleUploadedFile("x", b"\xff\xfe[a]")},
            422,
            "not UTF-8",
        ),
        (
            {"format": "argdown", "file": SimpleUploadedFile("x", b"x" * (UPLOAD_MAX_BYTES + 1))},
            413,
            "over 1 MB",
        ),
        (
            {"format": "argdown", "text": "[T]: Tea. {status: hidden}\n  + [W]: Warm."},
            422,
            "which only moderators may import",
        ),
    ],
)
def test_bad_uploads_get_a_clear_4xx_and_keep_the_text(client, member, data, status, message):
    client.force_login(member)
    response = client.post(URL, data)
    assert response.status_code == status
    assert message in response.content.decode()
    if data.get("text", "").strip():
        assert data["text"] in response.content.decode()
    assert not Motion.objects.exists()


@pytest.mark.django_db
def test_a_file_and_pasted_text_together_are_refused_the_paste_kept(client, member):
    client.force_login(member)
    upload = SimpleUploadedFile("tea.argdown", ARGDOWN.encode(), content_type="text/plain")
    pasted = "[Coffee]: Coffee is best.\n  + [Awake]: It wakes."
    response = client.post(URL, {"format": "argdown", "file": upload, "text": pasted})
    assert response.status_code == 422
    assert response.context["form"].errors == {"text": ["Send a file or paste the text, not both."]}
    assert html.escape(pasted) in response.content.decode()
    assert not Motion.objects.exists()


@pytest.mark.django_db
def test_who_may_import(client):
    assert client.get(URL).status_code in (302, 303)
    unverified = UserFactory()
    client.force_login(unverified)
    response = client.post(URL, {"format": "argdown", "text": ARGDOWN})
    assert response.status_code == 403
    assert "Verify your email address" in response.content.decode()
    assert not Motion.objects.exists()


@pytest.mark.django_db
def test_the_pages_lead_to_the_import_page_and_the_argdown_export(client, seeded):
    assert f'href="{URL}"' in client.get("/").content.decode()
    motion = Motion.objects.filter(visibility=Motion.Visibility.VISIBLE).first()
    page = client.get(motion.get_absolute_url()).content.decode()
    assert f'href="/motions/{motion.slug}/export.argdown"' in page


@pytest.mark.django_db
def test_a_moderator_may_import_claims_hidden_by_a_moderator(client, moderator):
    client.force_login(moderator)
    text = "[T]: Tea.\n  + [W]: Warm. {status: hidden}"
    response = client.post(URL, {"format": "argdown", "text": text})
    assert response.status_code == 303
    assert Argument.objects.get().visibility == "hidden"
