"""sitemap.xml (Django's sitemaps framework): the motions and argument permalinks the public reads.

What an anonymous reader may read, as debates.policy says: hidden motions and hidden or
retracted arguments are left out, and so is every argument of a hidden motion. The readers of
the sources whose text Crux holds are in too, unless hidden.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap

from debates import policy
from debates.models import Argument, Motion, Source

PUBLIC = AnonymousUser()


class MotionSitemap(Sitemap):
    def items(self):
        return Motion.objects.filter(policy.texts_shown_to(PUBLIC, Motion)).order_by("pk")

    def lastmod(self, motion):
        return motion.updated_at


class ArgumentSitemap(Sitemap):
    def items(self):
        return (
            Argument.objects.filter(
                policy.texts_shown_to(PUBLIC, Argument), policy.arguments_listed_to(PUBLIC)
            )
            .select_related("motion")
            .only("pk", "updated_at", "motion__slug")
            .order_by("pk")
        )

    def lastmod(self, argument):
        return argument.updated_at


class SourceSitemap(Sitemap):
    def items(self):
        shown = policy.sources_shown_to(PUBLIC)
        return Source.objects.filter(shown, full_text__isnull=False).order_by("pk")


SITEMAPS = {"motions": MotionSitemap, "arguments": ArgumentSitemap, "sources": SourceSitemap}
