"""`python manage.py apply_deep_end_rule`: set each practice's Deep End flag by a rule; record the rule."""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from heft.practices.models import DeepEndRuleApplication
from heft.practices.services import deep_end_rule_apply


class Command(BaseCommand):
    help = (
        "Applies a Deep End rule to every open practice: e.g. --measure share_15 --method decile (the most "
        "deprived tenth by share of patients in the most deprived 15%% of areas), or --method top_n --top-n "
        "100."
    )

    def add_arguments(self, parser):
        parser.add_argument("--measure", choices=DeepEndRuleApplication.Measure.values, default="imd_score")
        parser.add_argument("--method", choices=DeepEndRuleApplication.Method.values, default="decile")
        parser.add_argument("--top-n", type=int, help="How many practices, with --method top_n.")
        parser.add_argument("--per-region", action="store_true", help="Rank within each region, not England.")

    def handle(self, *args, measure, method, top_n, per_region, **options):
        try:
            application = deep_end_rule_apply(
                measure=measure,
                method=method,
                top_n=top_n,
                per_region=per_region,
                by=f"manage.py apply_deep_end_rule ({getpass.getuser()})",
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        found = application
        self.stdout.write(
            f"{found.description}. Deep End: {found.deep_end:,} of the {found.assessed:,} practices ranked "
            f"({found.changed:,} changed). Data: {found.data_vintage}."
        )
