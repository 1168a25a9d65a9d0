"""Reads about people: what a person has argued, as their profile and the API list it, its
figures, the motions they proposed, finding someone by email or display name, and whether an
address is another account's. Each costs a fixed number of queries."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from accounts.models import User
from debates import policy, queries
from debates.models import Argument, Motion


def _listed(person: User, viewer) -> QuerySet[Argument]:
    """`person`'s arguments a list outside their debate names to `viewer`
    (policy.arguments_listed_to) and quotes to them (policy.arguments_counted_for): a withdrawn
    one, which would show only as its place, to its author and moderators alone."""
    return Argument.objects.filter(
        policy.arguments_listed_to(viewer), policy.arguments_counted_for(viewer), author=person
    )


def arguments_by(person: User, *, viewer: User | AnonymousUser) -> QuerySet[Argument]:
    """`person`'s arguments as their profile and the API list them to `viewer` (_listed),
    newest first, with what a list shows of each."""
    return (
        _listed(person, viewer)
        .select_related("motion", "author", "source")
        .order_by("-created_at", "-id")
    )


def motions_by(person: User, *, viewer: User | AnonymousUser) -> QuerySet[Motion]:
    """The motions `person` proposed that `viewer` may read (policy.texts_shown_to: a hidden one
    for its author and moderators only), newest first, with the tallies the home page shows."""
    return (
        queries.motions_for_home(include_hidden=True)
        .filter(policy.texts_shown_to(viewer, Motion), author=person)
        .order_by("-created_at", "-id")
    )


def profile_stats(person: User, *, viewer: User | AnonymousUser) -> dict[str, int]:
    """How many of `person`'s arguments are listed to `viewer` (arguments_by's length) and the
    votes they received. One query."""
    return _listed(person, viewer).aggregate(
        arguments=Count("pk"),
        agree=Coalesce(Sum("agree_count"), 0),
        disagree=Coalesce(Sum("disagree_count"), 0),
    )


def find_user(identifier: str) -> User | None:
    """The user with this email, or else this display name (look-alikes match); None if neither."""
    identifier = str(identifier).strip()
    if "@" in identifier:
        user = User.objects.filter(email__iexact=identifier).first()
        if user:
            return user
    return User.objects.with_display_name(identifier).first()


def email_held_by_another(email: str, *, user: User) -> bool:
    """Whether an account other than `user` signs in with `email` or has verified it: it is not
    `user`'s to take (ACCOUNT_UNIQUE_EMAIL), though she may ask for it (accounts.adapter)."""
    held = Q(email__iexact=email) | Q(
        emailaddress__email__iexact=email, emailaddress__verified=True
    )
    return User.objects.exclude(pk=user.pk).filter(held).exists()
