"""The API's writes that make a motion: propose one, or import a debate as one, through the
services the pages use (debates.services.propose_motion, debates.interchange.importing), with
their rules, rate limit ("motion") and messages.

api.v1 imports this module before api.reads: ninja routes paths in the order they were added,
and /motions/import must come before the read at /motions/{slug}, which would take it (and
answer a POST with 405)."""

from ninja import Status

from api import present
from api.auth import WRITERS
from api.problems import Problem, problem
from api.router import router
from api.schemas import ImportIn, ImportOut, MotionIn, MotionOut
from config import ratelimit
from debates import queries, services
from debates.errors import DebateRuleError
from debates.interchange.importing import TEXT_TOO_LARGE, UPLOAD_MAX_BYTES, import_text
from debates.transfer import ARGUMENTS_MAX, TALLIES_NOTE, ImportRefused

ERRORS = {frozenset({400, 401, 403, 409, 422, 429}): Problem}


def _presented(motion, viewer):
    """`motion` as GET /motions/{slug} shows it to `viewer`."""
    found = queries.motion_with_tallies(motion.slug)
    found.my_vote = queries.my_vote(viewer, found)
    return present.motion(found, viewer)


@router.post(
    "/motions",
    tags=["write"],
    auth=WRITERS,
    response={200: MotionOut, 201: MotionOut, **ERRORS},
    summary="Propose a motion",
)
def propose_motion(request, data: MotionIn):
    """201 with the new motion; 200 with the earlier one when `submission_key` repeats (with
    the same fields: other fields under a key already used are a 409)."""
    with ratelimit.attempt(request, "motion"):
        motion, created = services.propose_motion(author=request.user, **data.dict())
    return Status(201 if created else 200, _presented(motion, request.user))


def _refused(error: ImportRefused):
    """The file's refusal as a 422 problem, its message (with the line, where the reader knows
    it) as the page gives it; `line` too, as a member of its own, when the error carries one."""
    line = getattr(error, "line", None)
    extra = {"line": line} if line is not None else None
    return problem("rule", 422, f"Not imported: {error}", [("text", str(error))], extra=extra)


@router.post(
    "/motions/import",
    tags=["write"],
    auth=WRITERS,
    response={201: ImportOut, **ERRORS, frozenset({413}): Problem},
    summary="Import a debate as a new motion",
    description=(
        "An Argdown text, a Kialo plain-text export or a motion's export.json, as on "
        f"/motions/import/: at most {UPLOAD_MAX_BYTES:,} bytes of UTF-8 (413 over it) and "
        f"{ARGUMENTS_MAX:,} arguments. A motion marked hidden is for moderators only; a "
        "member's claim marked hidden is imported withdrawn, as a retracted one, with no text. "
        "You are the author of every claim. A file the importer cannot read is a 422 problem "
        "with the reason (and its `line`, where known). Rate limited as proposing a motion, "
        "and by each argument it writes (a 429 problem with Retry-After, before anything is "
        "written)."
    ),
)
def import_motion(request, data: ImportIn):
    if len(data.text.encode()) > UPLOAD_MAX_BYTES:
        return problem("too-large", 413, TEXT_TOO_LARGE, [("text", TEXT_TOO_LARGE)])
    if not data.text.strip():
        raise DebateRuleError("Send the text to import.", status=422, field="text")
    try:
        with ratelimit.attempt(request, "motion"):
            motion, summary, warnings = import_text(
                text=data.text,
                format=data.format,
                author=request.user,
                # Each argument it writes counts, as each one posted does (the page's rule).
                charge=lambda count: ratelimit.attempt(request, "import-arguments", cost=count),
            )
    except ImportRefused as error:
        return _refused(error)
    tallies = summary["imported_tallies"]
    same = summary["same_title"]
    body = {
        "motion": _presented(motion, request.user),
        "warnings": warnings,
        "imported_tallies": tallies,
        "tallies_note": TALLIES_NOTE.format(n=tallies) if tallies else None,
        "same_title": (
            {"slug": same.slug, "title": same.title, "url": same.get_absolute_url()}
            if same
            else None
        ),
    }
    return Status(201, body)
