import html
import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from debates import services, transfer, voting
from debates.models import CLAIM_MAX_LENGTH, Argument, ArgumentRevision, Motion, Source, Stance
from tests.factories import ArgumentFactory, MotionFactory, UserFactory, verified_user
from tests.migrating import by_hand

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return verified_user(display_name="Ada")


@pytest.fixture
def motion():
    return MotionFactory()


def post(member, motion, **fields):
    fields = {"parent": None, "stance": Stance.PRO, "claim": "A fair point."} | fields
    return services.post_argument(author=member, motion=motion, **fields)


# --- Service rules ---------------------------------------------------------------------------


def test_post_argument_creates_a_trimmed_reply_at_the_right_depth(member, motion):
    parent = ArgumentFactory(motion=motion)
    argument, created = post(member, motion, parent=parent, claim="  Spaced \n  out  ")
    assert created
    assert (argument.claim, argument.depth, argument.parent) == ("Spaced out", 1, parent)
    assert argument.author == member


@pytest.mark.parametrize("claim", ["", "   ", "\n\t"])
def test_an_empty_claim_is_refused(member, motion, claim):
    with pytest.raises(services.DebateRuleError) as refusal:
        post(member, motion, claim=claim)
    assert (refusal.value.status, refusal.value.field) == (422, "claim")
    assert not Argument.objects.exists()


def test_claim_and_details_have_length_limits(member, motion):
    with pytest.raises(services.DebateRuleError, match="500 characters"):
        post(member, motion, claim="x" * 501)
    with pytest.raises(
        services.DebateRuleError,
        match=r"Keep the details to 5,000 characters \(they have 5,001\)\.",
    ):
        post(member, motion, details="x" * 5001)
    argument, _ = post(member, motion, claim="x" * 500, details="y" * 5000)
    assert len(argument.claim) == 500


def test_stance_must_be_pro_or_con(member, motion):
    with pytest.raises(services.DebateRuleError, match="pro or con"):
        post(member, motion, stance="maybe")


def test_parent_must_be_in_the_same_motion(member, motion):
    elsewhere = ArgumentFactory()
    with pytest.raises(services.DebateRuleError, match="same debate"):
        post(member, motion, parent=elsewhere)


@pytest.mark.parametrize("visibility", ["hidden", "retracted"])
def test_parent_must_be_visible(member, motion, visibility):
    parent = ArgumentFactory(motion=motion, visibility=visibility)
    with pytest.raises(services.DebateRuleError) as refusal:
        post(member, motion, parent=parent)
    assert refusal.value.status == 409


def test_a_locked_motion_takes_no_arguments(member):
    locked = MotionFactory(state=Motion.State.LOCKED)
    with pytest.raises(services.DebateRuleError, match="locked") as refusal:
        post(member, locked)
    assert refusal.value.status == 403
    assert refusal.value.message == "This motion is locked: it takes no new arguments."
    # With the moderator's reason, as the page's notice gives it.
    Motion.objects.filter(pk=locked.pk).update(lock_reason="Cooling off")
    with pytest.raises(services.DebateRuleError) as refusal:
        post(member, locked)
    assert refusal.value.message == (
        "This motion is locked: it takes no new arguments. Reason: Cooling off."
    )


@pytest.mark.parametrize(
    ("state", "visibility", "message"),
    [
        ("locked", "visible", "This motion is locked: it takes no edits to its arguments."),
        (
            "open",
            "hidden",
            "A moderator has hidden this motion: it takes no edits to its arguments.",
        ),
    ],
)
def test_a_closed_motion_refuses_an_edit_in_words_of_editing(member, state, visibility, message):
    argument = ArgumentFactory(
        author=member, motion=MotionFactory(state=state, visibility=visibility)
    )
    with pytest.raises(services.DebateRuleError) as refusal:
        services.edit_argument(editor=member, argument=argument, claim="Reworded.")
    assert refusal.value.message == message


def test_an_unverified_member_cannot_post_yet(motion):
    with pytest.raises(services.DebateRuleError, match="Verify your email") as refusal:
        post(UserFactory(), motion)
    assert refusal.value.status == 403


def test_a_suspended_member_cannot_post(motion):
    member = verified_user(suspended_until=timezone.now() + timedelta(days=1))
    with pytest.raises(services.DebateRuleError, match="suspended"):
        post(member, motion)


def test_a_repeated_submission_creates_one_argument(member, motion):
    key = uuid.uuid4()
    first, created_first = post(member, motion, submission_key=key)
    again, created_again = post(member, motion, submission_key=key)
    assert (created_first, created_again) == (True, False)
    assert first == again
    assert Argument.objects.count() == 1


def test_a_repeated_submission_is_the_same_after_an_edit(member, motion):
    """Sent again after the author reworded it (a retried request, a page restored from the
    browser's history), the form still names the argument it posted first."""
    key = uuid.uuid4()
    first, _ = post(member, motion, claim="As first posted.", submission_key=key)
    services.edit_argument(editor=member, argument=first, claim="Reworded.")
    again, created = post(member, motion, claim="  As first   posted. ", submission_key=key)
    assert (again, created) == (first, False)


OTHER_CONTENT = {
    "claim": lambda motion: {"claim": "Something else entirely."},
    "details": lambda motion: {"details": "New details."},
    "stance": lambda motion: {"stance": Stance.CON},
    "source": lambda motion: {"source_url": "https://example.org/other"},
    "motion": lambda motion: {"motion": MotionFactory()},
    "parent": lambda motion: {"parent": ArgumentFactory(motion=motion)},
}


@pytest.mark.parametrize("change", OTHER_CONTENT.values(), ids=OTHER_CONTENT.keys())
def test_a_submission_key_sent_with_other_content_is_refused(member, motion, change):
    fields = {"motion": motion, "claim": "The first post.", "submission_key": uuid.uuid4()}
    first, _ = post(member, **fields)
    with pytest.raises(services.DebateRuleError, match="already posted") as refusal:
        post(member, **(fields | change(motion)))
    assert refusal.value.status == 409
    assert list(Argument.objects.filter(author=member)) == [first]


def test_a_motion_submission_key_sent_with_other_content_is_refused(member):
    key = uuid.uuid4()
    fields = {"title": "Tea beats coffee", "claim": "Tea is better.", "submission_key": key}
    first, _ = services.propose_motion(author=member, **fields)
    again, created = services.propose_motion(author=member, **fields)
    assert (again, created) == (first, False)
    with pytest.raises(services.DebateRuleError, match="already posted") as refusal:
        services.propose_motion(author=member, **(fields | {"claim": "Coffee is better."}))
    assert refusal.value.status == 409
    assert Motion.objects.count() == 1


def test_a_source_must_be_http_or_https(member, motion):
    for url in ["javascript:alert(1)", "ftp://example.org/x", "not a url"]:
        with pytest.raises(services.DebateRuleError, match="http") as refusal:
            post(member, motion, source_url=url)
        assert refusal.value.field == "source_url"
    argument, _ = post(member, motion, source_url="https://example.org/a", quote="Said it.")
    assert (argument.source.url, argument.quote) == ("https://example.org/a", "Said it.")


def test_a_quote_needs_its_source(member, motion):
    with pytest.raises(services.DebateRuleError, match="web address"):
        post(member, motion, quote="Unsourced words.")


def test_details_are_rendered_safely(member, motion):
    argument, _ = post(
        member, motion, details="See [this](https://example.org). <img src=x onerror=alert(1)>"
    )
    assert 'href="https://example.org"' in argument.details_html
    assert 'rel="nofollow ugc noopener"' in argument.details_html
    assert "onerror" not in argument.details_html and "<img" not in argument.details_html


def test_editing_keeps_every_earlier_wording(member, motion):
    argument, _ = post(member, motion, claim="First wording.")
    services.edit_argument(editor=member, argument=argument, claim="Second wording.")
    services.edit_argument(editor=member, argument=argument, claim="Third wording.")

    argument.refresh_from_db()
    assert argument.claim == "Third wording." and argument.edited_at is not None
    earlier = list(argument.revisions.values_list("claim", flat=True))
    assert earlier == ["Second wording.", "First wording."]


def test_an_unchanged_edit_records_nothing(member, motion):
    argument, _ = post(member, motion, claim="Same.")
    services.edit_argument(editor=member, argument=argument, claim="Same.")
    assert not ArgumentRevision.objects.exists()


def test_an_edit_is_refused_for_everything_wrong_at_once(member, motion, client):
    """As a reply is: a blank claim and details past the limit, both named, nothing changed
    (through the API, which has no form to catch the length first)."""
    argument, _ = post(member, motion, claim="Kept as it was.")
    too_long = "x" * (services.DETAILS_MAX_LENGTH + 1)
    with pytest.raises(services.DebateRuleError) as refusal:
        services.edit_argument(editor=member, argument=argument, claim=" ", details=too_long)
    refused = [refusal.value, *refusal.value.also]
    assert [each.field for each in refused] == ["claim", "details"]
    client.force_login(member)
    url = f"/api/v1/motions/{motion.slug}/arguments/{argument.pk}"
    body = {"claim": "", "details": too_long}
    answer = client.patch(url, body, content_type="application/json").json()
    assert [error["field"] for error in answer["errors"]] == ["claim", "details"]
    argument.refresh_from_db()
    assert argument.claim == "Kept as it was." and not ArgumentRevision.objects.exists()


def test_only_the_author_can_edit_or_retract(member, motion):
    argument, _ = post(member, motion)
    stranger = verified_user()
    with pytest.raises(services.DebateRuleError) as refusal:
        services.edit_argument(editor=stranger, argument=argument, claim="Hijacked.")
    assert refusal.value.status == 403
    with pytest.raises(services.DebateRuleError):
        services.retract_argument(author=stranger, argument=argument)


def test_retracting_keeps_text_and_replies(member, motion):
    argument, _ = post(member, motion, claim="I take it back.")
    reply = ArgumentFactory(motion=motion, parent=argument)

    services.retract_argument(author=member, argument=argument)

    argument.refresh_from_db()
    assert argument.visibility == Argument.Visibility.RETRACTED
    assert argument.claim == "I take it back."
    assert Argument.objects.get(pk=reply.pk).parent == argument


def test_propose_motion_gives_a_unique_slug(member):
    first, _ = services.propose_motion(author=member, title="Cats beat dogs", claim="They do.")
    second, _ = services.propose_motion(author=member, title="Cats beat dogs", claim="Again.")
    assert (first.slug, second.slug) == ("cats-beat-dogs", "cats-beat-dogs-2")
    assert first.state == Motion.State.OPEN and not first.featured


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Путин решает всё", "putin-resaet-vse"),
        ("Հայաստանի ընտրությունը", "hayastani-entrutyune"),
        ("Qarabağ: who won?", "qarabag-who-won"),
        ("Azərbaycan şəhərləri", "azerbaycan-seherleri"),
        ("«»", "motion"),
        # A long title's address ends between words, at most 60 characters.
        (
            "Russia's failure to stop the Karabakh war early harmed its own standing",
            "russias-failure-to-stop-the-karabakh-war-early-harmed-its",
        ),
        ("W" * 70 + " war", "w" * 60),
    ],
)
def test_a_motion_s_address_reads_its_title_in_any_script(client, member, title, slug):
    motion, _ = services.propose_motion(author=member, title=title, claim="A claim.")
    assert motion.slug == slug
    assert client.get(motion.get_absolute_url()).context["motion"] == motion


def test_a_motion_is_never_given_the_address_of_a_page(client, member):
    """motions/new/ and motions/import/ are pages: a motion slugged so could never be opened."""
    for title in ("New", "Import"):
        motion, _ = services.propose_motion(author=member, title=title, claim="A claim.")
        assert motion.slug == f"{title.lower()}-2"
        assert client.get(motion.get_absolute_url()).context["motion"] == motion


# --- Views ----------------------------------------------------------------------------------


def reply_data(**fields):
    return {"stance": "con", "claim": "A rebuttal.", "submission_key": str(uuid.uuid4())} | fields


def test_reply_form_opens_in_place_over_htmx(client, member, motion):
    parent = ArgumentFactory(motion=motion)
    client.force_login(member)

    response = client.get(
        reverse("reply", args=[motion.slug, parent.pk]), headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<form") and "<html" not in html
    assert f'hx-target="#reply-slot-{parent.pk}"' in html


def test_htmx_reply_returns_the_new_argument_for_its_place(client, member, motion):
    parent = ArgumentFactory(motion=motion)
    client.force_login(member)

    response = client.post(
        reverse("reply", args=[motion.slug, parent.pk]),
        reply_data(),
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    created = Argument.objects.get(parent=parent)
    assert response.status_code == 200
    assert f'<hx-partial hx-target="#replies-{parent.pk}" hx-swap="beforeend">' in html
    assert f'id="argument-{created.pk}"' in html and "A rebuttal." in html


def test_htmx_reply_with_errors_keeps_the_form_and_the_text(client, member, motion):
    client.force_login(member)

    response = client.post(
        reverse("reply_motion", args=[motion.slug]),
        reply_data(claim="   ", details="My careful details"),
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "Write the claim you want to make." in html
    assert "My careful details" in html
    assert not Argument.objects.exists()


def test_plain_reply_redirects_to_the_new_permalink(client, member, motion):
    client.force_login(member)
    response = client.post(reverse("reply_motion", args=[motion.slug]), reply_data())
    created = Argument.objects.get()
    assert response.status_code == 303
    assert response["Location"] == created.get_absolute_url()


def test_plain_reply_without_stance_is_a_422_page(client, member, motion):
    client.force_login(member)
    response = client.post(reverse("reply_motion", args=[motion.slug]), reply_data(stance=""))
    assert response.status_code == 422
    assert b"Choose whether you argue pro or con." in response.content
    assert b"<html" in response.content


def test_double_submission_through_the_view_creates_one(client, member, motion):
    client.force_login(member)
    data = reply_data()
    first = client.post(reverse("reply_motion", args=[motion.slug]), data)
    second = client.post(reverse("reply_motion", args=[motion.slug]), data)
    assert first["Location"] == second["Location"]
    assert Argument.objects.count() == 1


def test_a_reused_submission_key_with_other_text_is_a_409_keeping_the_text(client, member, motion):
    client.force_login(member)
    data = reply_data(claim="The first post.")
    client.post(reverse("reply_motion", args=[motion.slug]), data)
    for headers in ({}, {"HX-Request": "true"}):
        again = client.post(
            reverse("reply_motion", args=[motion.slug]),
            data | {"claim": "A different post."},
            headers=headers,
        )
        html = again.content.decode()
        assert again.status_code == 409
        assert "already posted" in html and "A different post." in html
    assert Argument.objects.get().claim == "The first post."


def test_unverified_member_is_told_why_they_cannot_post(client, motion):
    client.force_login(UserFactory())
    page = client.get(reverse("reply_motion", args=[motion.slug]))
    refused = client.post(reverse("reply_motion", args=[motion.slug]), reply_data())
    assert page.status_code == 403 and b"Verify your email" in page.content
    assert refused.status_code == 403 and b"Verify your email" in refused.content


@pytest.mark.parametrize("withdraw", ["retract", "hide"])
def test_reply_form_under_a_withdrawn_argument_answers_as_a_post_would(
    client, member, motion, withdraw
):
    """Opening the form meets the same refusal, with the same status, as sending it would."""
    argument = ArgumentFactory(motion=motion)
    if withdraw == "retract":
        services.retract_argument(author=argument.author, argument=argument)
    else:
        Argument.objects.filter(pk=argument.pk).update(visibility=Argument.Visibility.HIDDEN)
    client.force_login(member)
    url = reverse("reply", args=[motion.slug, argument.pk])
    for in_place in ({}, {"HX-Request": "true"}):
        opened = client.get(url, headers=in_place)
        sent = client.post(url, reply_data(), headers=in_place)
        assert opened.status_code == sent.status_code == 409
        assert "You can't reply to an argument" in html.unescape(opened.content.decode())
    assert not Argument.objects.filter(parent=argument).exists()


def test_anonymous_reply_goes_to_sign_in(client, motion):
    response = client.get(reverse("reply_motion", args=[motion.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    htmx = client.get(
        reverse("reply_motion", args=[motion.slug]),
        headers={
            "HX-Request": "true",
            "HX-Current-URL": f"http://testserver{motion.get_absolute_url()}",
        },
    )
    assert htmx.status_code == 200 and "HX-Redirect" in htmx.headers


def test_reply_to_unknown_or_foreign_argument_is_404(client, member, motion):
    client.force_login(member)
    foreign = ArgumentFactory()
    assert client.get(reverse("reply", args=[motion.slug, foreign.pk])).status_code == 404
    assert (
        client.post(reverse("reply", args=[motion.slug, 999999]), reply_data()).status_code == 404
    )


def test_edit_page_saves_and_history_shows_versions(client, member, motion):
    argument, _ = post(member, motion, claim="Before.")
    client.force_login(member)

    response = client.post(
        reverse("edit_argument", args=[motion.slug, argument.pk]),
        {"claim": "After.", "details": ""},
    )
    history = client.get(reverse("argument_history", args=[motion.slug, argument.pk]))

    assert response.status_code == 303
    assert b"After." in history.content and b"Before." in history.content
    # Each moment to the minute, shown (versions of one day told apart, in order, without
    # hovering), the weekday too on hovering; 24-hour, in UTC, said so.
    stamps = re.findall(r'<time [^>]*title="([^"]*)">([^<]*)</time>', history.content.decode())
    assert len(stamps) == 3
    for title, shown in stamps:
        assert re.fullmatch(r"[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC", title)
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC", shown)
    page = client.get(motion.get_absolute_url()).content.decode()
    assert reverse("argument_history", args=[motion.slug, argument.pk]) in page


def test_readers_are_told_which_votes_came_before_an_edit(client, member, motion):
    """Votes stay with a reworded claim, so its page says how many were cast on an earlier
    wording, and its history what each wording held when it was replaced."""
    argument, _ = post(member, motion, claim="Cats are independent.")
    for choice in ("agree", "agree", "disagree"):
        voting.cast_vote(voter=verified_user(), claim=argument, choice=choice)
    services.edit_argument(editor=member, argument=argument, claim="Cats are aloof.")
    voting.cast_vote(voter=verified_user(), claim=argument, choice="agree")

    page = client.get(motion.get_absolute_url()).content.decode()
    history = client.get(reverse("argument_history", args=[motion.slug, argument.pk]))

    edited = re.search(r'<a class="argument__edited"[^>]*>(.*?)</a>', page, re.S)[1]
    assert edited.startswith("edited after 3 votes")
    assert "those were cast on an earlier wording" in edited
    assert "when its votes stood at 2 agree and 1 disagree" in history.content.decode()
    exported = transfer.export_debate(motion)["arguments"][0]
    assert exported["votes_before_edit"] == 3
    assert exported["revisions"][0]["tallies"] == {"agree": 2, "disagree": 1}
    api = client.get(f"/api/v1/motions/{motion.slug}/arguments/{argument.pk}").json()
    assert api["argument"]["votes_before_edit"] == 3


def test_an_edit_before_any_vote_says_only_edited(client, member, motion):
    argument, _ = post(member, motion, claim="Dogs are loyal.")
    services.edit_argument(editor=member, argument=argument, claim="Dogs are faithful.")
    page = client.get(motion.get_absolute_url()).content.decode()
    assert re.search(r'<a class="argument__edited"[^>]*>edited</a>', page)


def test_someone_elses_edit_page_is_403(client, member, motion):
    argument = ArgumentFactory(motion=motion)
    client.force_login(member)
    url = reverse("edit_argument", args=[motion.slug, argument.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"claim": "Hijack"}).status_code == 403
    assert Argument.objects.get(pk=argument.pk).claim != "Hijack"


def test_retract_asks_for_confirmation_then_keeps_the_place(client, member, motion):
    argument, _ = post(member, motion, claim="Regrettable.")
    client.force_login(member)
    url = reverse("retract_argument", args=[motion.slug, argument.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200 and b"Retract your argument?" in confirm.content
    assert Argument.objects.get(pk=argument.pk).is_visible

    assert client.post(url).status_code == 303
    page = client.get(motion.get_absolute_url()).content.decode()
    assert "[retracted by its author]" in page and "Regrettable." not in page


def test_retracting_in_place_says_so_where_the_page_tells_how_acts_went(client, member, motion):
    """The HTMX answer: the argument as it now stands, and the plain path's message for the
    page's status region (which the live copy of the argument cannot overwrite); said once."""
    argument, _ = post(member, motion, claim="Regrettable.")
    client.force_login(member)
    url = reverse("retract_argument", args=[motion.slug, argument.pk])

    answer = client.post(url, headers={"HX-Request": "true"}).content.decode()
    argument_html, _, status = answer.partition('<hx-partial hx-target="#messages"')
    assert f'id="argument-{argument.pk}"' in argument_html and "[retracted" in argument_html
    assert "Your argument is retracted. Its replies stay in place." in status
    # Its own page's follow line goes: a reload offers none for a withdrawn argument.
    assert f'<p class="debate__follow" id="follow-argument-{argument.pk}" hidden></p>' in answer
    page = client.get(motion.get_absolute_url()).content.decode()
    assert '<div role="status" id="messages"></div>' in page


def test_propose_motion_page(client, member):
    client.force_login(member)
    response = client.post(
        reverse("propose_motion"),
        {
            "title": "Tea beats coffee",
            "claim": "Tea is better.",
            "submission_key": str(uuid.uuid4()),
        },
    )
    motion = Motion.objects.get(title="Tea beats coffee")
    assert response.status_code == 303 and response["Location"] == motion.get_absolute_url()
    assert b"Tea beats coffee" in client.get(reverse("home")).content


@pytest.mark.parametrize(
    "placeholder", ["[hidden by a moderator]", "  [RETRACTED]  ", "[Retracted by its author]"]
)
def test_a_claim_or_title_reading_as_a_withheld_ones_placeholder_is_refused(
    client, member, motion, placeholder
):
    """Shown in the tree, it would pass for a moderator's or its author's act."""
    client.force_login(member)
    reply = client.post(reverse("reply_motion", args=[motion.slug]), reply_data(claim=placeholder))
    assert reply.status_code == 422
    assert "in place of a withheld claim" in reply.content.decode()
    assert not motion.arguments.exists()

    argument, _ = post(member, motion)
    with pytest.raises(services.DebateRuleError, match="withheld claim"):
        services.edit_argument(editor=member, argument=argument, claim=placeholder)
    argument.refresh_from_db()
    assert argument.claim == "A fair point."

    motions = Motion.objects.count()
    proposal = {
        "title": placeholder,
        "claim": "Tea is better.",
        "submission_key": str(uuid.uuid4()),
    }
    response = client.post(reverse("propose_motion"), proposal)
    assert response.status_code == 422
    assert "give the motion its own title" in response.content.decode()
    assert Motion.objects.count() == motions


def test_propose_motion_with_missing_claim_is_422(client, member):
    client.force_login(member)
    response = client.post(
        reverse("propose_motion"), {"title": "T", "submission_key": str(uuid.uuid4())}
    )
    assert response.status_code == 422
    assert not Motion.objects.exists()


def test_the_propose_form_says_everything_wrong_at_once_and_makes_nothing(client, member):
    client.force_login(member)
    sent = {
        "title": " ",
        "claim": "",
        "source_url": "javascript:alert(1)",
        "context": "Kept background.",
        "submission_key": str(uuid.uuid4()),
    }
    response = client.post(reverse("propose_motion"), sent)
    html = response.content.decode()
    assert response.status_code == 422
    for said in ("Give the motion a short title.", "Write the claim", "must be a web address"):
        assert said in html
    assert "Kept background." in html
    assert not Motion.objects.exists() and not Source.objects.exists()


def test_the_reply_form_says_everything_wrong_at_once(client, member, motion):
    client.force_login(member)
    sent = {"claim": " ", "source_url": "javascript:alert(1)", "details": "Kept details."}
    sent["submission_key"] = str(uuid.uuid4())
    response = client.post(reverse("reply_motion", args=[motion.slug]), sent)
    html = response.content.decode()
    assert response.status_code == 422
    for said in ("Choose whether you argue pro or con.", "Write the claim", "must be a web"):
        assert said in html
    assert "Kept details." in html and not Argument.objects.exists()


def test_locked_motion_page_offers_no_reply(client, member):
    locked = MotionFactory(state=Motion.State.LOCKED)
    ArgumentFactory(motion=locked)
    client.force_login(member)
    html = client.get(locked.get_absolute_url()).content.decode()
    assert "This motion is locked" in html
    assert reverse("reply_motion", args=[locked.slug]) not in html


def test_a_claim_pasted_over_the_limit_is_refused_saying_how_far_over_not_cut(
    client, member, motion
):
    """Without JavaScript the browser would cut a pasted claim at `maxlength` without a word:
    the form counts instead (data-limit, which crux.js shows live), and the server says how far
    over it is, keeping every character typed."""
    client.force_login(member)
    form = client.get(reverse("reply_motion", args=[motion.slug])).content.decode()
    assert f'data-limit="{CLAIM_MAX_LENGTH}"' in form
    assert "maxlength" not in form.split('name="claim"')[1].split(">")[0]
    pasted = "x" * (CLAIM_MAX_LENGTH + 7)
    response = client.post(reverse("reply_motion", args=[motion.slug]), reply_data(claim=pasted))
    html = response.content.decode()
    assert response.status_code == 422
    assert f"7 characters over the limit of {CLAIM_MAX_LENGTH}." in html
    assert pasted in html
    assert not Argument.objects.exists()


def test_no_form_is_offered_for_what_a_retracted_argument_refuses(client, author):
    """Edit, reply and retract again: the page says why at once, rather than after the typing."""
    argument = ArgumentFactory(author=author, claim="Soon withdrawn.")
    services.retract_argument(author=author, argument=argument)
    client.force_login(author)
    slug = argument.motion.slug
    pages = {
        "edit_argument": "it can't be edited",
        "reply": "You can't reply to an argument retracted",
        "retract_argument": "You have retracted this argument already.",
    }
    for name, why in pages.items():
        page = client.get(reverse(name, args=[slug, argument.pk]))
        body = html.unescape(page.content.decode())
        assert why in body, name
        assert '<form class="argument-form"' not in body and "Retract argument</button>" not in body
    assert client.get(reverse("edit_argument", args=[slug, argument.pk])).status_code == 409


@pytest.mark.django_db(transaction=True)
def test_motions_slugged_as_a_page_before_that_was_refused_move_to_a_free_address():
    before = [("debates", "0017_flags_on_sources")]
    after = [("debates", "0018_motions_off_reserved_addresses")]
    with by_hand() as executor:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        motions = old.get_model("debates", "Motion")._default_manager
        for slug in ("new", "new-2", "import", "kept"):
            motions.create(slug=slug, title=slug, claim=f"Claim {slug}.")
        executor.loader.build_graph()
        executor.migrate(after)

    slugs = set(Motion.objects.values_list("slug", flat=True))
    assert slugs == {"new-3", "new-2", "import-2", "kept"}
