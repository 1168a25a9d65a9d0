"""Background mail, run by the same worker as the analysis (django-tasks-db's db_worker)."""

from django.tasks import task

from notifications import mailing


@task
def email_reply(notification_id: int) -> None:
    """Queued as a reply is notified, so posting never waits on a mail server."""
    mailing.send_reply_email(notification_id)


@task
def send_digests() -> None:
    """Queued daily by `manage.py send_digests` (cron); it sends only the digests that are due."""
    mailing.send_due_digests()
