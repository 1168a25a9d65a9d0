"""A debate out as Argdown (/motions/<slug>/export.argdown) and in from an Argdown or Kialo file
(/motions/import/, members who may post): debates.interchange does the work."""

from django.http import HttpResponse
from django.views.decorators.http import require_safe

from debates import queries
from debates.interchange.argdown_export import export_argdown


@require_safe
def export_motion_argdown(request, slug):
    motion = queries.motion_by_slug(slug)
    response = HttpResponse(export_argdown(motion), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{motion.slug}.argdown"'
    return response
