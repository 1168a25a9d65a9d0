"""The account forms as the site's other forms answer: the email form's errors are a 422 keeping
what was typed, and every account form sent back with errors opens on its first field in error
(or on the message, when the error is the whole form's). Also the reads behind a profile, shared
by the page and the API, and the account services' contract: keyword-only, one transaction."""

from html.parser import HTMLParser
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import queries, services
from accounts.models import MODERATORS_GROUP, User
from debates.models import Motion
from tests.factories import ArgumentFactory, MotionFactory, UserFactory, verified_user

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
NEW_PASSWORD = "a much longer passphrase 42"
API = "/api/v1"


class Controls(HTMLParser):
    """The page's elements that ask for the focus, and its form controls by id."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.autofocused, self.by_id = [], {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        element = (tag, attrs)
        if "autofocus" in attrs:
            self.autofocused.append(element)
        if attrs.get("id"):
            self.by_id[attrs["id"]] = element

    handle_startendtag = handle_starttag


def focused(response):
    """The one element of the page that asks for the focus, as (tag, attributes)."""
    controls = Controls(response.content.decode())
    assert len(controls.autofocused) == 1, controls.autofocused
    return controls.autofocused[0]


def focused_field(response):
    """The id of the control the page focuses, which must be one marked invalid."""
    tag, attrs = focused(response)
    assert tag in {"input", "textarea", "select"}, (tag, attrs)
    assert attrs.get("aria-invalid") == "true", attrs
    return attrs["id"]


def focuses_the_form_error(response):
    tag, attrs = focused(response)
    assert attrs.get("tabindex") == "-1" and attrs.get("role") == "alert", (tag, attrs)
    return True


@pytest.fixture
def member(db):
    return verified_user(email="ada@example.org", display_name="Ada Lovelace")


@pytest.fixture
def member_client(member):
    client = Client()
    client.force_login(member)
    return client


# --- The email form: 422 on its errors, allauth's behaviour otherwise (D5) -----------------------


def change_email(client, email, action="action_add"):
    return client.post(reverse("account_email"), {"email": email, action: ""})


@pytest.mark.parametrize(
    "typed, says",
    [
        ("not-an-email", "Enter a valid email address."),
        ("", "This field is required."),
        ("ada@example", "Enter a valid email address."),  # the browser takes it; Django does not
        ("ADA@example.org", "already associated with this account"),  # her own address
        (f"{'a' * 250}@example.org", "Keep the address to 254 characters (it has 262)."),
    ],
)
def test_a_bad_address_on_the_email_form_is_a_422_keeping_what_was_typed(
    member_client, member, mailoutbox, typed, says
):
    response = change_email(member_client, typed)

    assert response.status_code == 422
    assert says in response.content.decode()
    assert focused_field(response) == "id_email"
    _, field = Controls(response.content.decode()).by_id["id_email"]
    assert field.get("value", "") == typed
    assert list(EmailAddress.objects.filter(user=member).values_list("email", flat=True)) == [
        "ada@example.org"
    ]
    assert mailoutbox == []


def test_an_address_too_long_to_keep_is_refused_on_sign_up_not_cut_short(db, mailoutbox):
    typed = f"{'a' * 250}@example.org"

    response = sign_up(email=typed)

    assert response.status_code == 422
    assert "Keep the address to 254 characters (it has 262)." in response.content.decode()
    assert focused_field(response) == "id_email"
    assert not User.objects.exists() and mailoutbox == []


def test_the_address_already_pending_is_a_422_too(member_client, member):
    assert change_email(member_client, "ada@lovelace.example.org").status_code == 302

    again = change_email(member_client, "ada@lovelace.example.org")

    assert again.status_code == 422
    assert "already associated with this account" in again.content.decode()
    assert focused_field(again) == "id_email"


def test_a_good_address_on_the_email_form_still_asks_for_its_verification(
    member_client, member, mailoutbox
):
    response = change_email(member_client, "ada@lovelace.example.org")

    assert response.status_code == 302 and response.url == reverse("account_email")
    pending = EmailAddress.objects.get(user=member, email="ada@lovelace.example.org")
    assert not pending.verified
    assert [message.to for message in mailoutbox] == [["ada@lovelace.example.org"]]
    page = member_client.get(reverse("account_email"))
    assert page.status_code == 200 and Controls(page.content.decode()).autofocused == []


@pytest.mark.parametrize("action", ["action_send", "action_remove", "action_primary"])
@pytest.mark.parametrize("email", ["not-an-email", "someone.else@example.org", ""])
def test_the_email_pages_other_buttons_redirect_as_allauths_do(
    member_client, member, action, email
):
    response = change_email(member_client, email, action)

    assert response.status_code == 302 and response.url == reverse("account_email")
    assert EmailAddress.objects.get(user=member).email == "ada@example.org"


def test_cancelling_a_pending_change_removes_it_as_allauth_does(member_client, member):
    change_email(member_client, "ada@lovelace.example.org")

    response = change_email(member_client, "ada@lovelace.example.org", "action_remove")

    assert response.status_code == 302
    assert list(EmailAddress.objects.filter(user=member).values_list("email", flat=True)) == [
        "ada@example.org"
    ]


def test_the_email_page_still_needs_a_signed_in_member(db):
    response = Client().post(reverse("account_email"), {"email": "x@example.org", "action_add": ""})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- Focus after errors (D8) ---------------------------------------------------------------------


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def sign_up(**overrides):
    data = {
        "email": "grace@example.org",
        "display_name": "Grace Hopper",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    } | overrides
    return Client().post(reverse("account_signup"), data)


def test_a_form_that_is_fine_asks_for_no_focus(member_client):
    for name in ("account_login", "account_signup"):
        page = Client().get(reverse(name))
        assert page.status_code == 200 and Controls(page.content.decode()).autofocused == []
    for name in ("profile_edit", "account_change_password", "delete_account"):
        page = member_client.get(reverse(name))
        assert page.status_code == 200 and Controls(page.content.decode()).autofocused == []


def test_a_wrong_password_focuses_the_sign_in_forms_message(member):
    response = sign_in(Client(), "ada@example.org", "not her password")

    assert response.status_code == 422
    assert focuses_the_form_error(response)
    _, login = Controls(response.content.decode()).by_id["id_login"]
    assert login["value"] == "ada@example.org"


def test_a_bad_address_focuses_the_sign_in_forms_email_field(member):
    response = sign_in(Client(), "ada@example", PASSWORD)

    assert response.status_code == 422
    assert focused_field(response) == "id_login"


@pytest.mark.parametrize(
    "overrides, first",
    [
        ({"display_name": "ada lovelace"}, "id_display_name"),  # taken, by a look-alike
        ({"email": "not-an-email", "display_name": "x", "password2": "other"}, "id_email"),
        ({"password2": "another passphrase 42"}, "id_password2"),
    ],
)
def test_sign_up_focuses_the_first_field_in_error(member, overrides, first):
    response = sign_up(**overrides)

    assert response.status_code == 422
    assert focused_field(response) == first


def test_a_name_lost_in_a_race_focuses_the_display_name(member):
    # Both checks passed before either saved: the database's unique key caught the second.
    with mock.patch("accounts.services.display_name_taken", return_value=False):
        response = sign_up(display_name="Ada Lovelace")

    assert response.status_code == 409
    assert focused_field(response) == "id_display_name"


@pytest.mark.parametrize(
    "data, first",
    [
        ({"display_name": "Ada Lovelace", "bio": "x" * 501}, "id_bio"),
        ({"display_name": "no", "bio": "x" * 501}, "id_display_name"),
        ({"display_name": "Grace Hopper", "bio": ""}, "id_display_name"),  # taken
    ],
)
def test_profile_edit_focuses_the_first_field_in_error(member_client, data, first):
    UserFactory(display_name="Grace Hopper")

    response = member_client.post(reverse("profile_edit"), data)

    assert response.status_code == 422
    assert focused_field(response) == first


def test_an_error_of_the_whole_profile_form_focuses_its_message(member_client):
    refusal = ValidationError({"__all__": ["Not now."]})
    with mock.patch("accounts.views.update_profile", side_effect=refusal):
        response = member_client.post(
            reverse("profile_edit"), {"display_name": "Ada Lovelace", "bio": ""}
        )

    assert response.status_code == 422
    assert focuses_the_form_error(response)


@pytest.mark.parametrize(
    "data, first",
    [
        (
            {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            "id_oldpassword",
        ),
        (
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": "something else 9"},
            "id_password2",
        ),
    ],
)
def test_password_change_focuses_the_first_field_in_error(member_client, data, first):
    response = member_client.post(reverse("account_change_password"), data)

    assert response.status_code == 422
    assert focused_field(response) == first


def test_password_reset_focuses_the_address(db):
    response = Client().post(reverse("account_reset_password"), {"email": "not-an-email"})

    assert response.status_code == 422
    assert focused_field(response) == "id_email"


def test_closing_an_account_focuses_the_confirmation(member_client, member):
    response = member_client.post(reverse("delete_account"), {"confirmation": "delete"})

    assert response.status_code == 422
    assert focused_field(response) == "id_confirmation"
    member.refresh_from_db()
    assert member.is_active


# --- The reads behind a profile, one for the page and the API ------------------------------------


@pytest.fixture
def argued(member):
    """Ada's arguments: two in a shown motion, one in a motion a moderator hid."""
    shown = MotionFactory()
    first = ArgumentFactory(motion=shown, author=member, agree_count=2, disagree_count=1)
    second = ArgumentFactory(motion=shown, author=member, agree_count=3)
    hidden = ArgumentFactory(
        motion=MotionFactory(visibility=Motion.Visibility.HIDDEN), author=member, agree_count=7
    )
    ArgumentFactory(motion=shown)  # someone else's
    return first, second, hidden


def test_a_persons_arguments_are_listed_as_the_viewer_may_see_them(member, argued, moderator):
    first, second, hidden = argued

    assert list(queries.arguments_by(member, viewer=AnonymousUser())) == [second, first]
    assert list(queries.arguments_by(member, viewer=moderator)) == [hidden, second, first]
    assert queries.profile_stats(member, viewer=AnonymousUser()) == {
        "arguments": 2,
        "agree": 5,
        "disagree": 1,
    }
    assert queries.profile_stats(member, viewer=moderator)["agree"] == 12
    assert queries.profile_stats(UserFactory(), viewer=moderator) == {
        "arguments": 0,
        "agree": 0,
        "disagree": 0,
    }


def test_the_profile_page_and_the_api_list_the_same_arguments(member, argued):
    first, second, _ = argued

    page = Client().get(member.get_absolute_url())
    listed = Client().get(f"{API}/people/{member.pk}/arguments").json()
    person = Client().get(f"{API}/people/{member.pk}").json()

    assert [argument.pk for argument in page.context["arguments"]] == [second.pk, first.pk]
    assert [item["id"] for item in listed["items"]] == [second.pk, first.pk]
    assert listed["count"] == person["arguments"] == page.context["stats"]["arguments"] == 2


@pytest.mark.parametrize("path", ["people/{pk}", "people/{pk}/arguments"])
def test_the_api_reads_a_person_in_a_fixed_number_of_queries(db, path):
    small, big = UserFactory(), UserFactory()
    ArgumentFactory(author=small)
    for _ in range(15):
        ArgumentFactory(author=big, motion=MotionFactory())
    counts = []
    for person in (small, big):
        with CaptureQueriesContext(connection) as taken:
            assert Client().get(f"{API}/{path.format(pk=person.pk)}").status_code == 200
        counts.append(len(taken))
    # the person, then the aggregate (or the count and one page of arguments)
    expected = 2 if path == "people/{pk}" else 3
    assert counts == [expected, expected]


def test_find_user_by_email_or_by_a_name_that_looks_alike(member):
    assert queries.find_user("  ADA@example.org ") == member
    assert queries.find_user("ada  LOVELACE") == member
    assert queries.find_user("Ada Lovelac\u0435") == member  # a Cyrillic ie
    assert queries.find_user("nobody@example.org") is None
    assert queries.find_user("Nobody At All") is None


# --- The account services: keyword-only, each in one transaction ---------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda user: services.update_profile(user, "Ada Lovelace", ""),
        lambda user: services.grant_moderator(user),
        lambda user: services.revoke_moderator(user),
        lambda user: services.delete_account(user),
    ],
    ids=["update_profile", "grant_moderator", "revoke_moderator", "delete_account"],
)
def test_the_account_services_take_keywords_only(member, call):
    with pytest.raises(TypeError):
        call(member)


def queries_outside_a_transaction(run):
    """The queries `run` makes outside any transaction (the test's database has none of its own),
    but for SQLite's BEGIN, which opens one, and what waits for the commit (on_commit's)."""
    outside, made = [], []

    def record(execute, sql, params, many, context):
        made.append(sql)
        if not connection.in_atomic_block and not sql.startswith("BEGIN"):
            outside.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record), mock.patch.object(transaction, "on_commit"):
        run()
    assert made
    return outside


@pytest.mark.parametrize(
    "moderator, run",
    [
        (False, lambda user: services.update_profile(user=user, display_name="Ada B", bio="Hi.")),
        (False, lambda user: services.grant_moderator(user=user)),
        (True, lambda user: services.revoke_moderator(user=user)),
        (False, lambda user: services.delete_account(user=user)),
    ],
    ids=["update_profile", "grant_moderator", "revoke_moderator", "delete_account"],
)
def test_every_check_and_write_of_an_account_service_is_in_its_transaction(
    transactional_db, moderator, run
):
    user = verified_user(display_name="Ada Lovelace")
    if moderator:
        services.grant_moderator(user=user)
    user = User.objects.get(pk=user.pk)  # a fresh instance: no permissions cached

    assert queries_outside_a_transaction(lambda: run(user)) == []


def test_granting_moderation_leaves_nothing_behind_when_it_fails(transactional_db):
    user = verified_user(display_name="Ada Lovelace")
    real = services.moderators_group

    def created_then_failed():
        real()
        raise RuntimeError("the database went away")

    with (
        mock.patch("accounts.services.moderators_group", created_then_failed),
        pytest.raises(RuntimeError),
    ):
        services.grant_moderator(user=user)

    assert not Group.objects.filter(name=MODERATORS_GROUP).exists()
