"""A debate out as Argdown (/motions/<slug>/export.argdown) and in from an Argdown, Kialo or Crux
JSON file (/motions/import/, for members who may post): debates.interchange does the work."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import member_required
from config import ratelimit
from debates import policy, queries
from debates.errors import DebateRuleError
from debates.interchange.argdown_export import export_argdown
from debates.interchange.importing import (
    TEXT_TOO_LARGE,
    TOO_LARGE,
    UPLOAD_MAX_BYTES,
    import_text,
)
from debates.transfer import ARGUMENTS_MAX, TALLIES_NOTE, ImportRefused
from debates.views import HttpResponseSeeOther

# A page of warnings is enough to see what was kept in details; the rest are counted.
WARNINGS_SHOWN = 20


@require_safe
def export_motion_argdown(request, slug):
    motion = queries.motion_by_slug(slug)
    if not policy.is_shown(motion):  # as export.json: its name and address hold the title
        raise Http404("No such motion.")
    response = HttpResponse(export_argdown(motion), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{motion.slug}.argdown"'
    return response


class ImportForm(forms.Form):
    too_large = False
    format = forms.ChoiceField(
        choices=[
            ("argdown", "Argdown"),
            ("kialo", "Kialo plain-text export"),
            ("json", "Crux JSON (a motion's export.json)"),
        ],
        widget=forms.RadioSelect,
        initial="argdown",
    )
    file = forms.FileField(
        required=False,
        help_text=f"At most 1 MB (1,000,000 bytes), UTF-8 text, and {ARGUMENTS_MAX:,} arguments.",
        widget=forms.ClearableFileInput(
            attrs={"data-max-bytes": UPLOAD_MAX_BYTES, "data-too-large": TOO_LARGE}
        ),
    )
    text = forms.CharField(
        required=False,
        max_length=UPLOAD_MAX_BYTES,
        widget=forms.Textarea(
            attrs={"rows": 12, "data-max-bytes": UPLOAD_MAX_BYTES, "data-too-large": TEXT_TOO_LARGE}
        ),
        label="Or paste the text",
        help_text="At most 1 MB, as a file: a million characters of English, half in Cyrillic.",
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload and data.get("text"):
            # Either could be what was meant: importing one would drop the other unsaid.
            self.add_error("text", "Send a file or paste the text, not both.")
            return data
        if upload:
            if upload.size > UPLOAD_MAX_BYTES:
                self.too_large = True
                raise forms.ValidationError(TOO_LARGE)
            try:
                # A byte-order mark, if any, is left to import_text, which drops it from any text.
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        elif len((data.get("text") or "").encode()) > UPLOAD_MAX_BYTES:
            # A million characters fit the field, but not in Cyrillic: the limit is the file's.
            self.too_large = True
            raise forms.ValidationError(TEXT_TOO_LARGE)
        # A file or pasted text refused for itself (an empty file, a NUL) was given all the same.
        given = "text" in self.errors or "file" in self.errors
        if not (data.get("text") or "").strip() and not given:
            raise forms.ValidationError("Choose a file or paste the text to import.")
        return data


@member_required
@require_http_methods(["GET", "POST"])
def import_motion(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    status, retry_after = 200, None
    if request.method == "POST":
        if not form.is_valid():
            status = 413 if form.too_large else 422
        else:
            try:
                with ratelimit.attempt(request, "motion"):
                    motion, summary, warnings = import_text(
                        text=form.cleaned_data["text"],
                        format=form.cleaned_data["format"],
                        author=request.user,
                        # Each argument it writes counts, as each reply posted does.
                        charge=lambda count: ratelimit.attempt(
                            request, "import-arguments", cost=count
                        ),
                    )
            except (DebateRuleError, ratelimit.RateLimited) as error:
                form.add_error(None, str(error))
                status = error.status
                retry_after = getattr(error, "retry_after", None)
            except ImportRefused as error:
                form.add_error(None, f"Not imported: {error}")
                status = 422
            else:
                messages.success(request, "The debate is imported as a new motion.")
                if same := summary["same_title"]:
                    messages.warning(
                        request,
                        format_html(
                            'A motion with this title already exists: <a href="{}">{}</a>',
                            same.get_absolute_url(),
                            same.title,
                        ),
                    )
                if summary["imported_tallies"]:
                    messages.info(request, TALLIES_NOTE.format(n=summary["imported_tallies"]))
                for warning in warnings[:WARNINGS_SHOWN]:
                    messages.warning(request, warning)
                if len(warnings) > WARNINGS_SHOWN:
                    more = len(warnings) - WARNINGS_SHOWN
                    messages.warning(request, f"And {more} more warnings like these.")
                return HttpResponseSeeOther(motion.get_absolute_url())
    refusal = policy.participation_refusal(request.user, "post")
    if refusal and request.method == "GET":
        status = 403
    context = {"form": form, "refusal": refusal}
    response = render(request, "debates/import_motion.html", context, status=status)
    if retry_after:
        # The wait for a day's budget of imported arguments may be hours: said to any client.
        response["Retry-After"] = str(retry_after)
    return response
