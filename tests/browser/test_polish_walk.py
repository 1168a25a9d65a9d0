"""The motion's moderation panel lays out cleanly on a phone and on a wide screen, and keeps its
shape when hiding, asked first, is refused in place."""

from playwright.sync_api import expect

from accounts.services import grant_moderator
from debates.models import Motion
from tests.factories import ArgumentFactory, MotionFactory, verified_user

# Each act of the panel: its form's field id and its button's name.
ACTS = {
    "mod-motion-hide": "Hide motion",
    "mod-motion-lock": "Lock motion",
    "mod-motion-feature": "Feature on the home page",
}


def boxes(panel):
    """Per act, the boxes of its label, field and button, and the form's."""
    found = {}
    for field_id, button in ACTS.items():
        form = panel.locator(f"form:has(#{field_id})")
        found[field_id] = {
            "form": form.bounding_box(),
            "label": form.locator(f'label[for="{field_id}"]').bounding_box(),
            "field": form.locator(f"#{field_id}").bounding_box(),
            "button": form.get_by_role("button", name=button).bounding_box(),
        }
    return found


def right(box):
    return box["x"] + box["width"]


def bottom(box):
    return box["y"] + box["height"]


def middle(box):
    return box["y"] + box["height"] / 2


def open_panel(signed_in, width):
    moderator = verified_user(display_name="Moderator Max")
    grant_moderator(user=moderator)
    motion = MotionFactory(title="Cities should ban cars")
    ArgumentFactory(motion=motion, claim="Air gets cleaner.")
    page = signed_in(moderator)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(motion.get_absolute_url())
    return motion, page, page.locator("#motion-moderation .mod-panel")


def assert_stacked(act):
    """Label, then a field as wide as the form, then the button, all from one left edge."""
    form, label, field, button = act["form"], act["label"], act["field"], act["button"]
    assert abs(label["x"] - form["x"]) < 1 and abs(field["x"] - form["x"]) < 1, act
    assert abs(button["x"] - form["x"]) < 1, act
    assert abs(right(field) - right(form)) < 1, act
    assert bottom(label) <= field["y"] and bottom(field) <= button["y"], act


def test_on_a_phone_each_act_stacks_from_one_edge(signed_in, transactional_db):
    motion, page, panel = open_panel(signed_in, 375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    for act in boxes(panel).values():
        assert_stacked(act)

    # Refused in place, once confirmed: the message under its field, the button still below.
    reason = panel.get_by_label("Reason to hide")
    reason.fill("   ")
    page.once("dialog", lambda dialog: dialog.dismiss())
    panel.get_by_role("button", name="Hide motion").click()
    expect(panel.locator("#mod-motion-hide-error")).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Hide motion").click()
    error = panel.locator("#mod-motion-hide-error")
    expect(error).to_have_text("Give a reason: it is logged and shown with the notice.")
    expect(panel.get_by_label("Reason to hide")).to_be_focused()
    assert not Motion.objects.get(pk=motion.pk).is_hidden
    act = boxes(panel)["mod-motion-hide"]
    assert_stacked(act)
    message = error.bounding_box()
    assert act["field"]["y"] < message["y"] and bottom(message) <= act["button"]["y"]
    assert abs(message["x"] - act["form"]["x"]) < 1
    for other in ("mod-motion-lock", "mod-motion-feature"):
        assert_stacked(boxes(panel)[other])


def test_on_a_wide_screen_the_acts_line_up_in_columns(signed_in, transactional_db):
    *_, panel = open_panel(signed_in, 1100)
    acts = list(boxes(panel).values())
    for act in acts:
        # One row: label, field, button, side by side.
        assert (
            right(act["label"]) <= act["field"]["x"] and right(act["field"]) <= act["button"]["x"]
        )
        assert abs(middle(act["field"]) - middle(act["button"])) < 2, act
        assert abs(middle(act["label"]) - middle(act["field"])) < 3, act
    for part in ("label", "field", "button"):
        assert len({round(act[part]["x"]) for act in acts}) == 1, part
    assert len({round(right(act["field"])) for act in acts}) == 1
    assert len({round(right(act["button"])) for act in acts}) == 1


def test_hiding_a_motion_once_confirmed_with_javascript_or_without(signed_in, transactional_db):
    """With JavaScript the dialog, then the page as hidden; without, the confirmation page with
    the reason typed in the panel, and its own button hides."""
    motion, page, panel = open_panel(signed_in, 1100)
    panel.get_by_label("Reason to hide").fill("Off-topic spam.")
    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Hide motion").click()
    expect(page.locator("#motion-text .notice--hidden")).to_contain_text("Off-topic spam.")
    assert Motion.objects.get(pk=motion.pk).is_hidden

    other = MotionFactory(title="Trams beat buses")
    moderator = verified_user(display_name="Moderator Nia")
    grant_moderator(user=moderator)
    plain = signed_in(moderator, javascript=False)
    plain.goto(other.get_absolute_url())
    plain.get_by_label("Reason to hide").fill("Duplicate motion.")
    plain.get_by_role("button", name="Hide motion").click()
    expect(plain.get_by_label("Reason")).to_have_value("Duplicate motion.")
    assert not Motion.objects.get(pk=other.pk).is_hidden
    plain.get_by_role("button", name="Hide").click()
    expect(plain.locator("#motion-text .notice--hidden")).to_contain_text("Duplicate motion.")
    assert Motion.objects.get(pk=other.pk).is_hidden
