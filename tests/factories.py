import factory

from accounts.models import User
from debates.models import Argument, Motion, Source, Stance
from debates.transfer import FORMAT, VERSION


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Source {n}")
    author = "An Author"


class MotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Motion

    slug = factory.Sequence(lambda n: f"motion-{n}")
    title = factory.Sequence(lambda n: f"Motion {n}")
    claim = factory.Sequence(lambda n: f"Claim number {n} is true.")
    author = factory.SubFactory(UserFactory)


class ArgumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Argument

    motion = factory.SubFactory(MotionFactory)
    parent = None
    stance = Stance.PRO
    claim = factory.Sequence(lambda n: f"Argument {n} holds.")
    author = factory.SubFactory(UserFactory)
    depth = factory.LazyAttribute(lambda o: o.parent.depth + 1 if o.parent else 0)


def verified_user(**fields):
    """A member whose email address is confirmed, so they may post."""
    from allauth.account.models import EmailAddress

    user = UserFactory(**fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def small_export(*, motion=None, argument=None) -> dict:
    """A debate of one argument as export.json holds it, with the fields given changed."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "motion": {"slug": "tea", "title": "Tea", "claim": "Tea is best.", **(motion or {})},
        "sources": {},
        "arguments": [{"ref": "a1", "stance": "pro", "claim": "It is warm.", **(argument or {})}],
    }


def whole_words(text: str, most: int) -> str:
    """The whole words `text` begins with, in at most `most` characters: a quote as a member
    types it (one cut within a word is refused as written, debates.anchoring)."""
    return text if len(text) <= most else text[: most + 1].rsplit(None, 1)[0]
