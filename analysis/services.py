"""The one write of the analysis: compute a motion's analysis and store it as its last result."""

from collections import defaultdict

from django.utils import timezone

from analysis.ballots import ballots
from analysis.compute_types import Analysis, Claim
from analysis.models import MotionAnalysis
from debates.models import Motion


def refresh(*, motion_id: int) -> MotionAnalysis:
    """Analyse the motion's votes now and keep the result, unless a newer one is already stored.

    The pending mark is cleared first, so a change committed while this runs queues another run.
    """
    MotionAnalysis.objects.filter(motion_id=motion_id).update(queued_at=None)
    # The stamp before the votes: a change in between leaves it behind, never ahead of them.
    activity = Motion.objects.values_list("activity", flat=True).get(pk=motion_id)
    votes = ballots(motion_id)
    # Loaded here, not at the top: web processes import this module to queue runs, and the
    # computation's numpy and scikit-learn would add about 120 MB to each of them.
    from analysis.compute import analyse

    analysis = analyse(votes, motion=Claim("motion", motion_id))
    fields = {
        "result": analysis.as_dict(),
        "activity": activity,
        "computed_at": timezone.now(),
        "group_votes": _group_votes(analysis, votes),
    }
    stored, created = MotionAnalysis.objects.get_or_create(motion_id=motion_id, defaults=fields)
    if not created:
        # Two runs may overlap (two workers): the one that read the later votes wins.
        MotionAnalysis.objects.filter(pk=stored.pk, activity__lte=activity).update(**fields)
        stored.refresh_from_db()
    return stored


def _group_votes(analysis: Analysis, votes) -> dict:
    """Agree and total votes on each argument among each opinion group's members (keys "0",
    "1", ...) and among those who agreed ("motion:agree") or disagreed ("motion:disagree") with
    the motion, and on the motion itself among each group's members ("motion": {"0": ...}):
    what "view as group", personal cruxes and the divisive claims compare with, without the
    votes. The motion's tallies stand under a key of their own, so that each group's entry
    stays keyed by argument id alone, as "view as group" reads it."""
    group_of = {voter: str(group.id) for group in analysis.groups for voter in group.members}
    side = {
        ballot.voter: "motion:agree" if ballot.agree else "motion:disagree"
        for ballot in votes
        if ballot.claim.kind == "motion"
    }
    tallies = defaultdict(lambda: defaultdict(lambda: [0, 0]))

    def count(key, entry, agree):
        if key is not None and entry is not None:
            tallies[key][entry][0] += agree
            tallies[key][entry][1] += 1

    for group in analysis.groups:
        # Each group's entry, with votes or without: a missing one marks a row stored before.
        tallies["motion"][str(group.id)] = [0, 0]
    for ballot in votes:
        group = group_of.get(ballot.voter)
        if ballot.claim.kind == "motion":
            count("motion", group, ballot.agree)
        else:
            count(group, str(ballot.claim.id), ballot.agree)
            count(side.get(ballot.voter), str(ballot.claim.id), ballot.agree)
    return {key: dict(entries) for key, entries in tallies.items()}
