"""Who may take part: one place that says why a person may not post, vote or flag."""


def participation_refusal(user, action="post"):
    """The reason `user` may not `action` ("post", "vote", "flag"), or None when they may."""
    if not user.is_authenticated:
        return f"Sign in to {action}."
    if not user.is_active:
        return "This account is deactivated."
    if user.is_suspended:
        until = user.suspended_until
        when = "indefinitely" if until.year >= 9999 else f"until {until:%d %B %Y, %H:%M} UTC"
        reason = f" Reason: {user.suspension_reason}" if user.suspension_reason else ""
        return f"Your account is suspended {when}, so you cannot {action}.{reason}"
    if action == "post" and not user.has_verified_email:
        return "Verify your email address before posting: check your inbox for the link."
    return None
