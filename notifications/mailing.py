"""Notifications by email: a reply after a short hold, and the daily or weekly digest of what
is unread.

Run by the background worker (notifications.tasks). Every message carries a signed one-click
unsubscribe link for its own kind of mail (no sign-in needed) and the List-Unsubscribe and
List-Unsubscribe-Post headers (RFC 2369, RFC 8058), with which mail readers unsubscribe in one
click themselves.
"""

import email.policy
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from debates import policy
from notifications import queries
from notifications.models import Digest, Notification, Preferences

_UNSUBSCRIBE_SALT = "crux.notifications.unsubscribe"
DIGEST_MAX_ITEMS = 50


def unsubscribe_token(member_id: int, mailing: str) -> str:
    """A token naming a member and one kind of mail ("replies", "digest"); it never expires,
    as an old email's link should still work."""
    return signing.dumps([member_id, mailing], salt=_UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        member_id, mailing = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(member_id, int) or not isinstance(mailing, str):
        return None
    return member_id, mailing


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(member_id: int, mailing: str) -> str:
    query = urlencode({"token": unsubscribe_token(member_id, mailing)})
    return absolute(f"{reverse('unsubscribe')}?{query}")


class _Mail(EmailMultiAlternatives):
    """Headers folded at RFC 5322's limit of 998 characters a line, not at 78: Python's email
    package writes a value with no space to fold at (List-Unsubscribe's <https://…?token=…>)
    as RFC 2047 encoded words, which no mail client reads as an address, and one-click
    unsubscribing (RFC 8058) fails. What the backend then sends is this message's policy."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def _send(member, *, subject: str, template: str, mailing: str, context: dict) -> None:
    link = unsubscribe_url(member.pk, mailing)
    context = {
        **context,
        "member": member,
        "unsubscribe_url": link,
        "notifications_url": absolute(reverse("notifications")),
        "settings_url": absolute(reverse("notification_settings")),
        "site_url": settings.SITE_URL,
    }
    message = _Mail(
        subject=f"[Crux] {subject}",
        body=render_to_string(f"{template}#text", context),
        to=[member.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string(f"{template}#html", context), "text/html")
    message.send()


def send_reply_email(notification_id: int) -> bool:
    """Mail one reply to its recipient, unless they turned it off, read it already, it was
    mailed before, or the reply is no longer theirs to be told of or to read. Returns whether
    it went."""
    notification = queries.inbox_of_anyone().filter(pk=notification_id).first()
    if notification is None or not queries.still_told(notification, notification.recipient):
        return False
    member = notification.recipient
    if not member.is_active or not queries.preferences_of(member).email_replies:
        return False
    # A moderator is still told of a reply its author withdrew since, but its text and author
    # are nobody's to read now: a mail without them would say nothing the inbox does not.
    if not policy.text_shown_to(notification.argument, member):
        return False
    # Claimed by one UPDATE: of two workers running this at once, one sends.
    unsent = Notification.objects.filter(
        pk=notification_id, emailed_at__isnull=True, read_at__isnull=True
    )
    if not unsent.update(emailed_at=timezone.now()):
        return False
    author = notification.argument.author
    _send(
        member,
        subject=f"{author.display_name if author else 'Someone'} replied to you",
        template="notifications/email/reply.html",
        mailing="replies",
        context={
            "notification": notification,
            # Through the inbox's own link, as the digest's are: opening it marks it read.
            "url": absolute(reverse("notification_open", args=[notification.pk])),
        },
    )
    return True


def send_due_digests() -> int:
    """Send each member whose daily or weekly digest is due the unread notifications they were
    not yet mailed; returns how many digests went. Safe to run as often as one likes: a member
    gets at most one per period."""
    now = timezone.now()
    # Members who never chose have the default digest: give them a row to keep its date.
    waiting = queries.members_with_mail_waiting()
    Preferences.objects.bulk_create(
        [Preferences(member_id=member_id) for member_id in waiting], ignore_conflicts=True
    )
    sent = 0
    for frequency, every in queries.DIGEST_EVERY.items():
        for member_id in queries.digests_due(frequency, now - every + queries.DIGEST_SLACK):
            sent += _send_digest(member_id, now)
    return sent


def _send_digest(member_id: int, now) -> int:
    with transaction.atomic():
        preferences = (
            Preferences.objects.select_for_update()
            .select_related("member")
            .get(member_id=member_id)
        )
        member = preferences.member
        if preferences.digest == Digest.OFF or not member.is_active:
            return 0
        items = list(queries.unread_for_digest(member)[:DIGEST_MAX_ITEMS])
        if not items:
            # Only notices of replies hidden since: nothing sent, so her period does not start
            # again (a reply just after would wait a whole one).
            return 0
        preferences.digest_sent_at = now
        preferences.save(update_fields=["digest_sent_at"])
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
    unread = queries.unread_count(member)
    _send(
        member,
        subject=f"{unread} unread notification{'s' if unread != 1 else ''}",
        template="notifications/email/digest.html",
        mailing="digest",
        context={"items": items, "unread": unread},
    )
    return 1
