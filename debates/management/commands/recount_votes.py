from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from debates.models import Argument, Motion, Vote


def _tally(field, choice):
    """The number of `choice` votes on the outer claim, as a correlated subquery (0 when none)."""
    votes = (
        Vote.objects.filter(**{field: OuterRef("pk")}, choice=choice)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(votes, output_field=IntegerField()), Value(0))


def _true_counts(field):
    return {
        "true_agree": _tally(field, Vote.Choice.AGREE),
        "true_disagree": _tally(field, Vote.Choice.DISAGREE),
    }


def mismatched(model, field):
    """Claims whose stored counters differ from their Vote rows, in one set-based query."""
    return model.objects.annotate(**_true_counts(field)).filter(
        ~Q(agree_count=F("true_agree")) | ~Q(disagree_count=F("true_disagree"))
    )


class Command(BaseCommand):
    help = (
        "Recompute the agree/disagree counters of motions and arguments from the Vote table "
        "and report how many were wrong. With --check, change nothing and fail on any mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report; exit with an error if any counter disagrees with the votes.",
        )

    def handle(self, *args, check=False, **options):
        wrong_total = 0
        for model, field in ((Motion, "motion"), (Argument, "argument")):
            label = model._meta.verbose_name_plural
            with transaction.atomic():
                wrong = list(mismatched(model, field).values_list("pk", flat=True))
                if wrong and not check:
                    # Lock the rows first: a vote in flight (which locks its claim) then either
                    # committed before the recount reads the votes, or waits until it is done.
                    list(model.objects.select_for_update().filter(pk__in=wrong).values("pk"))
                    model.objects.filter(pk__in=wrong).update(
                        agree_count=_tally(field, Vote.Choice.AGREE),
                        disagree_count=_tally(field, Vote.Choice.DISAGREE),
                    )
            wrong_total += len(wrong)
            verb = "wrong" if check else "corrected"
            self.stdout.write(f"{label}: {len(wrong)} of {model.objects.count()} {verb}")
        if check and wrong_total:
            raise CommandError(f"{wrong_total} vote counters disagree with the Vote table.")
        self.stdout.write(self.style.SUCCESS("Vote counters agree with the votes."))
