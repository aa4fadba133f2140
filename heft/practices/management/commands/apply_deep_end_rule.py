"""`python manage.py apply_deep_end_rule`: show what a Deep End rule would change; with --yes, apply it.

The same preview as the Deep End rule page: each practice whose status would change and the figure that
decides it, the practices the rule cannot place (they keep their status unless --missing-to-no), and the
rotations that would start or stop counting as HEFT. Nothing changes without --yes.
"""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from heft.practices.deep_end import DeepEndPlan, RuleChoice
from heft.practices.models import DeepEndRuleApplication
from heft.practices.selectors import deep_end_rule_preview
from heft.practices.services import deep_end_rule_apply

LISTED = 50  # changes listed one by one; the counts cover the rest


class Command(BaseCommand):
    help = (
        "Shows what a Deep End rule would change for every open practice, and applies it with --yes: e.g. "
        "--measure share_15 --method decile (the most deprived tenth by share of patients in the most "
        "deprived 15%% of areas), or --method top_n --top-n 100."
    )

    def add_arguments(self, parser):
        parser.add_argument("--measure", choices=DeepEndRuleApplication.Measure.values, default="imd_score")
        parser.add_argument("--method", choices=DeepEndRuleApplication.Method.values, default="decile")
        parser.add_argument("--top-n", type=int, help="How many practices, with --method top_n.")
        parser.add_argument("--per-region", action="store_true", help="Rank within each region, not England.")
        parser.add_argument(
            "--missing-to-no",
            action="store_true",
            help="Set practices the rule cannot place (no figure) to not Deep End; otherwise they keep "
            "their status.",
        )
        parser.add_argument("--yes", action="store_true", help="Apply the changes shown.")

    def handle(self, *args, measure, method, top_n, per_region, missing_to_no, yes, **options):
        choice = RuleChoice(measure, method, top_n, per_region, missing_to_no)
        try:
            plan = deep_end_rule_preview(choice)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self._show(plan)
        if not yes:
            self.stdout.write("Nothing has changed. Run again with --yes to apply these changes.")
            return
        application = deep_end_rule_apply(
            choice=choice,
            expected=plan.digest,
            by=f"manage.py apply_deep_end_rule ({getpass.getuser()})",
        )
        if application.status != DeepEndRuleApplication.Status.APPLIED:
            raise CommandError(f"{application.get_status_display()}. Nothing was changed.")
        found = application
        self.stdout.write(
            f"Applied. Deep End: {found.deep_end:,} of the {found.assessed:,} practices ranked "
            f"({found.changed:,} changed). Data: {found.data_vintage}."
        )

    def _show(self, plan: DeepEndPlan) -> None:
        write = self.stdout.write
        write(f"{plan.choice.rule.describe()} (data: {plan.data_vintage}).")
        write(f"{plan.sentence()}.")
        for change in plan.changes[:LISTED]:
            now, after = ("Deep End", "not Deep End") if change.was else ("not Deep End", "Deep End")
            write(f"  {change.practice.ods_code} {change.practice.name}: {now} -> {after}. {change.reason}")
        if len(plan.changes) > LISTED:
            write(f"  ... and {len(plan.changes) - LISTED:,} more.")
        for rotation in plan.rotations[:LISTED]:
            change = "starts" if rotation.heft_after else "stops"
            write(f"  Rotation {rotation.code} ({rotation.scheme.name}) {change} counting as HEFT.")
        if len(plan.rotations) > LISTED:
            write(f"  ... and {len(plan.rotations) - LISTED:,} more rotations.")
        if plan.without_figures:
            fate = "set to not Deep End" if plan.choice.missing_to_no else "keeping their status"
            write(
                f"Practices the rule cannot place (no figure): {len(plan.without_figures):,}, {fate} "
                f"({plan.deep_end_without_figures:,} Deep End now)."
            )
