"""The access rules as template filters: each only asks debates.policy."""

from django import template

from debates import policy

register = template.Library()


@register.filter
def text_shown_to(claim, user):
    return policy.text_shown_to(claim, user)


@register.filter
def analysis_shown_to(motion, user):
    return policy.analysis_shown_to(motion, user)


@register.filter
def named_to(claim, user):
    return policy.named_to(claim, user)


@register.filter
def source_shown_to(source, user):
    return policy.source_shown_to(source, user)


@register.filter
def wording_shown_to(argument, user):
    return policy.wording_shown_to(argument, user)


@register.filter
def withdrawn_wording_shown_to(argument, user):
    return policy.withdrawn_wording_shown_to(argument, user)


@register.simple_tag
def vote_closure(claim, motion, user):
    return policy.vote_closure(claim, motion, user)


@register.filter
def moderates(user):
    return policy.moderates(user)


@register.filter
def amendable_by(argument, user):
    return policy.amendable_by(argument, user)


@register.filter
def flag_offered_to(claim, user):
    return policy.flag_offered_to(claim, user)


@register.filter
def appeal_offered_to(argument, user):
    return policy.appeal_offered_to(argument, user)


@register.filter
def replies_open(argument, motion):
    return policy.replies_open(motion, argument)


@register.filter
def suspendable_by(person, user):
    return policy.suspension_refusal(user, person) is None


@register.filter
def arguments_hideable_by(person, user):
    return policy.bulk_hide_refusal(user, person) is None


@register.filter
def restore_refusal(target, user):
    """Why `user` may not restore `target` (their own), as a message, or "" when they may."""
    refusal = policy.own_content_refusal(user, target, "restore")
    return refusal.message if refusal else ""


@register.filter
def followable(claim):
    return policy.followable(claim)


@register.filter
def shown(claim):
    return policy.is_shown(claim)


@register.simple_tag
def own_vote_closure(claim, user):
    return policy.own_vote_closure(claim, user)


@register.filter
def open_to_replies(argument):
    """Whether `argument` itself takes replies (its motion may still be closed: replies_open)."""
    return policy.reply_to_refusal(argument) is None


@register.filter
def takes_part(user):
    return policy.takes_part(user)


@register.filter
def takes_arguments(motion):
    return policy.closed_refusal(motion) is None


@register.filter
def audience(user):
    return policy.audience(user)
