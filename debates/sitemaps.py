"""sitemap.xml (Django's sitemaps framework): the motions and argument permalinks the public reads.

Hidden motions and hidden or retracted arguments are left out, and so is every argument of a
hidden motion. The readers of the sources whose text Crux holds are in too, unless hidden.
"""

from django.contrib.sitemaps import Sitemap

from debates.models import Argument, Motion, Source


class MotionSitemap(Sitemap):
    def items(self):
        return Motion.objects.filter(visibility=Motion.Visibility.VISIBLE).order_by("pk")

    def lastmod(self, motion):
        return motion.updated_at


class ArgumentSitemap(Sitemap):
    def items(self):
        return (
            Argument.objects.filter(
                visibility=Argument.Visibility.VISIBLE,
                motion__visibility=Motion.Visibility.VISIBLE,
            )
            .select_related("motion")
            .only("pk", "updated_at", "motion__slug")
            .order_by("pk")
        )

    def lastmod(self, argument):
        return argument.updated_at


class SourceSitemap(Sitemap):
    def items(self):
        return Source.objects.filter(full_text__isnull=False, visibility="visible").order_by("pk")


SITEMAPS = {"motions": MotionSitemap, "arguments": ArgumentSitemap, "sources": SourceSitemap}
