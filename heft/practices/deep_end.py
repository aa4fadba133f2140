"""What a Deep End rule would change, worked out before anything changes: each practice whose status would
change (from, to, and the figure that decides it), the practices the rule cannot place, and the rotations
that would start or stop counting as HEFT with the public scheme pages showing them. And the application of
a confirmed rule, which the services start and the background worker may run.

The preview (selectors) and the application both build their plan here, so what is applied is what was
shown: the plan's digest is what the person confirms, and the application checks it again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from heft.audit.services import audit_record
from heft.engines.deprivation import DeepEndRule, PracticeMeasure, RuleError, apply_rule
from heft.practices.bulk import bulk_set
from heft.practices.models import DeepEndRuleApplication, Practice
from heft.programmes.models import Rotation
from heft.programmes.selectors import rotations_heft_would_change

MEASURE_FIELDS = {
    "imd_score": ("imd_score", "deprivation_vintage"),
    "share_10": ("most_deprived_share", "shares_vintage"),
    "share_15": ("deprived_15_share", "shares_vintage"),
    "share_20": ("deprived_20_share", "shares_vintage"),
}
RANKED_STATUSES = {Practice.Status.ACTIVE, Practice.Status.DORMANT}
DEEP_END_FIELDS = ["is_deep_end", "deep_end_by_rule", "deep_end_rule", "deep_end_reason"]
KEPT_NOTE = "Its Deep End status is kept as it was."
SET_TO_NO_NOTE = "Set to No, as chosen when the rule was applied."
RULE_STAGES = ("Waiting for the background worker", "Ranking the practices and saving the changes")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleChoice:
    """The rule a person chose, and what to do with the practices it cannot place."""

    measure: str
    method: str
    top_n: int | None = None
    per_region: bool = False
    missing_to_no: bool = False

    @cached_property
    def rule(self) -> DeepEndRule:
        top_n = self.top_n if self.method == "top_n" else None
        try:
            return DeepEndRule(
                measure=self.measure, method=self.method, top_n=top_n, per_region=self.per_region
            )
        except RuleError as error:
            raise ValidationError(str(error)) from None

    def as_fields(self) -> dict:
        """The choice as the forms and the application record hold it."""
        return {
            "measure": self.measure,
            "method": self.method,
            "top_n": self.rule.top_n,
            "per_region": self.per_region,
            "missing_to_no": self.missing_to_no,
        }


@dataclass(frozen=True)
class PracticeChange:
    practice: Practice
    was: bool
    becomes: bool
    reason: str  # the figure that decides it, in words


@dataclass
class DeepEndPlan:
    choice: RuleChoice
    rule_text: str
    data_vintage: str
    assessed: int  # practices the rule placed
    deep_end: int  # of them, those the rule puts in the Deep End
    changes: list[PracticeChange]  # practices whose Deep End status would change
    without_figures: list[Practice]  # open practices the rule cannot place (no figure, or no region)
    overridden_against_rule: int  # decided by hand against the rule's answer: they keep their decision
    rotations: list[Rotation]  # with `heft` now and `heft_after`
    deep_end_now: set[int]  # the ids of the practices that are Deep End before the change
    to_save: list[Practice] = field(repr=False)  # every practice whose Deep End fields change, set as planned

    @property
    def became(self) -> list[PracticeChange]:
        return [c for c in self.changes if c.becomes]

    @property
    def left(self) -> list[PracticeChange]:
        return [c for c in self.changes if not c.becomes]

    @property
    def rotations_started(self) -> list[Rotation]:
        return [r for r in self.rotations if r.heft_after]

    @property
    def rotations_stopped(self) -> list[Rotation]:
        return [r for r in self.rotations if not r.heft_after]

    @property
    def kept_without_figures(self) -> int:
        return 0 if self.choice.missing_to_no else len(self.without_figures)

    @property
    def deep_end_without_figures(self) -> int:
        """Practices without figures that are Deep End now."""
        return sum(p.pk in self.deep_end_now for p in self.without_figures)

    @property
    def public_schemes(self) -> list[dict]:
        """The public scheme pages whose HEFT rotations change: those listing a changing rotation (the
        withdrawn ones are not shown to the public)."""
        schemes: dict[int, dict] = {}
        for rotation in self.rotations:
            if rotation.availability == Rotation.Availability.WITHDRAWN:
                continue
            scheme = rotation.scheme
            entry = schemes.setdefault(scheme.pk, {"scheme": scheme, "started": 0, "stopped": 0})
            entry["started" if rotation.heft_after else "stopped"] += 1
        return list(schemes.values())

    @cached_property
    def digest(self) -> str:
        """What the person confirms: the rule and every change it makes, so that a change made to the data
        between the preview and the application is noticed."""
        content = {
            "rule": self.choice.as_fields(),
            "practices": sorted([c.practice.ods_code, c.becomes] for c in self.changes),
            "rotations": sorted([r.code, r.heft_after] for r in self.rotations),
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    def counts(self) -> dict[str, int]:
        return {
            "practices_changed": len(self.changes),
            "became_deep_end": len(self.became),
            "left_deep_end": len(self.left),
            "rotations_started": len(self.rotations_started),
            "rotations_stopped": len(self.rotations_stopped),
            "kept_without_figures": self.kept_without_figures,
        }

    def sentence(self) -> str:
        """ "14 practices change: 12 stop being Deep End, 2 become Deep End; 2 rotations stop counting as
        HEFT"."""
        return changes_sentence(self.counts())


def changes_sentence(counts: dict[str, int]) -> str:
    """The changes in one sentence, from counts as DeepEndPlan.counts() gives them."""
    if counts["practices_changed"]:
        how = _counted(
            (counts["left_deep_end"], "stops being Deep End", "stop being Deep End"),
            (counts["became_deep_end"], "becomes Deep End", "become Deep End"),
        )
        practices = f"{_count(counts['practices_changed'], 'practice changes', 'practices change')}: {how}"
    else:
        practices = "No practice changes its Deep End status"
    rotations = _counted(
        (counts["rotations_stopped"], "rotation stops counting as HEFT", "rotations stop counting as HEFT"),
        (counts["rotations_started"], "rotation starts counting as HEFT", "rotations start counting as HEFT"),
    )
    return f"{practices}; {rotations or 'no rotation starts or stops counting as HEFT'}"


def _counted(*counts: tuple[int, str, str]) -> str:
    return ", ".join(_count(*count) for count in counts if count[0])


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def practices_for_rule(measure: str):
    """Every practice, with just the fields a plan reads and sets."""
    value_field, vintage_field = MEASURE_FIELDS[measure]
    fields = ("ods_code", "name", "status", "region__name", value_field, vintage_field, "deep_end_override")
    return Practice.objects.select_related("region").only(*fields, *DEEP_END_FIELDS).order_by("name", "pk")


def plan_rule(choice: RuleChoice, practices: list[Practice]) -> DeepEndPlan:
    """What applying `choice` to `practices` (practices_for_rule) would change. Sets the planned values on
    the practices in `to_save`; saves nothing."""
    rule = choice.rule
    value_field, vintage_field = MEASURE_FIELDS[choice.measure]
    ranked = [p for p in practices if p.status in RANKED_STATUSES]
    decisions = apply_rule(
        rule,
        [
            PracticeMeasure(p.pk, _as_float(getattr(p, value_field)), p.region.name if p.region_id else None)
            for p in ranked
        ],
    )
    vintages = sorted({getattr(p, vintage_field) for p in ranked if getattr(p, value_field) is not None})
    data_vintage = "; ".join(vintages) or "no figures loaded"
    rule_text = f"{rule.describe()} (data: {data_vintage})"[:300]
    without_figures = [p for p in ranked if decisions[p.pk].place is None]
    against_rule = sum(
        p.deep_end_override is not None and p.deep_end_override != bool(decisions[p.pk].is_deep_end)
        for p in ranked
        if decisions[p.pk].place is not None
    )
    deep_end_now = {p.pk for p in practices if p.is_deep_end}  # before _plan_practices sets the new flags
    changes, to_save = _plan_practices(practices, decisions, rule_text, choice.missing_to_no)
    rotations = rotations_heft_would_change(
        deep_end_added=[c.practice.pk for c in changes if c.becomes],
        deep_end_removed=[c.practice.pk for c in changes if not c.becomes],
    )
    return DeepEndPlan(
        choice=choice,
        rule_text=rule_text,
        data_vintage=data_vintage,
        assessed=sum(d.place is not None for d in decisions.values()),
        deep_end=sum(d.is_deep_end for d in decisions.values()),
        changes=changes,
        without_figures=without_figures,
        overridden_against_rule=against_rule,
        rotations=rotations,
        deep_end_now=deep_end_now,
        to_save=to_save,
    )


def _as_float(value) -> float | None:
    return None if value is None else float(value)


def _plan_practices(practices, decisions, rule_text: str, missing_to_no: bool):
    """Each practice's new Deep End fields: (the practices whose status changes, every practice to save)."""
    changes, to_save = [], []
    for practice in practices:
        new = _new_fields(practice, decisions.get(practice.pk), rule_text, missing_to_no)
        if all(getattr(practice, name) == value for name, value in new.items()):
            continue
        if new["is_deep_end"] != practice.is_deep_end:
            changes.append(
                PracticeChange(practice, practice.is_deep_end, new["is_deep_end"], new["deep_end_reason"])
            )
        for name, value in new.items():
            setattr(practice, name, value)
        to_save.append(practice)
    return changes, to_save


def _new_fields(practice: Practice, decision, rule_text: str, missing_to_no: bool) -> dict:
    """A practice's Deep End fields under the rule. The rule cannot place a practice without a figure: it
    keeps its status (the rule's answer left empty) unless the person chose to set such practices to No."""
    if decision is None:  # closed or proposed: not ranked, never Deep End by the rule
        by_rule, reason = False, f"{practice.get_status_display()}, so not ranked."
    elif decision.place is None and not missing_to_no:
        # No answer from the rule. Under a hand decision, the flag beneath it stays for when it is cleared.
        by_rule = practice.deep_end_by_rule if practice.deep_end_override is not None else None
        reason = f"{decision.reason} {KEPT_NOTE}"
    elif decision.place is None:
        by_rule, reason = False, f"{decision.reason} {SET_TO_NO_NOTE}"
    else:
        by_rule, reason = decision.is_deep_end, decision.reason
    if practice.deep_end_override is not None:
        flag = practice.deep_end_override
    else:
        flag = practice.is_deep_end if by_rule is None else by_rule
    return {
        "is_deep_end": flag,
        "deep_end_by_rule": by_rule,
        "deep_end_rule": rule_text,
        "deep_end_reason": reason,
    }


# --- applying a confirmed rule -----------------------------------------------------------------------------


def deep_end_rule_run(*, application_id: int) -> DeepEndRuleApplication:
    """Do a confirmed application: rank every open practice by the rule and set each one's Deep End flag
    and reason, all or nothing, and only if the changes are still those the person confirmed (else
    nothing changes and the person looks again). Audited with the counts, in the same transaction.
    A practice decided by hand keeps its decision; the rule's answer is kept beside it."""
    running = {"status": DeepEndRuleApplication.Status.RUNNING, "started_at": timezone.now()}
    if not _report_stage(application_id, 1, only_if=DeepEndRuleApplication.Status.QUEUED, **running):
        return DeepEndRuleApplication.objects.get(pk=application_id)  # already run (a retried task)
    application = DeepEndRuleApplication.objects.get(pk=application_id)
    choice = RuleChoice(
        application.measure,
        application.method,
        application.top_n,
        application.per_region,
        application.missing_to_no,
    )
    try:
        with transaction.atomic():
            practices = list(practices_for_rule(choice.measure).select_for_update(of=("self",)))
            plan = plan_rule(choice, practices)
            if plan.digest == application.expected:
                bulk_set(Practice, plan.to_save, DEEP_END_FIELDS)
                _finish_rule(application, DeepEndRuleApplication.Status.APPLIED, plan)
            else:
                _finish_rule(application, DeepEndRuleApplication.Status.REFUSED, plan)
    except Exception:
        logger.exception("Deep End rule application %s failed", application.pk)
        application.refresh_from_db()  # as it was before the transaction rolled back
        with transaction.atomic():
            _finish_rule(application, DeepEndRuleApplication.Status.FAILED, None)
    return application


def _report_stage(application_id: int, number: int, *, only_if: str, **fields) -> bool:
    """Saves the stage at once, outside the work's transaction, for the page that polls it; only while the
    application has the status `only_if` (so two workers never both take it). Whether it was saved."""
    fields |= {"stage": RULE_STAGES[number], "progress_done": number}
    applications = DeepEndRuleApplication.objects.filter(pk=application_id, status=only_if)
    return bool(applications.update(**fields))


def _finish_rule(application: DeepEndRuleApplication, status: str, plan: DeepEndPlan | None) -> None:
    """The outcome and its audit event, in the caller's transaction. A refused application keeps what the
    rule would change now, so that its page can say so."""
    application.status, application.finished_at = status, timezone.now()
    application.stage, application.progress_done = "", application.progress_total
    after = {"status": status}
    if plan is not None:
        application.summary = {
            "sentence": plan.sentence(),
            "became": [c.practice.ods_code for c in plan.became],
            "left": [c.practice.ods_code for c in plan.left],
            "rotations_started": [r.code for r in plan.rotations_started],
            "rotations_stopped": [r.code for r in plan.rotations_stopped],
        }
        after |= {
            "rule": plan.rule_text,
            "deep_end": plan.deep_end,
            "counts": plan.counts(),
            **application.summary,
        }
    if plan is not None and status == DeepEndRuleApplication.Status.APPLIED:
        _record_outcome(application, plan)
    application.save()
    verb = {"applied": "deep_end_rule.applied", "refused": "deep_end_rule.refused"}.get(
        status, "deep_end_rule.failed"
    )
    audit_record(by=application.by or application.by_label, verb=verb, target=application, after=after)


def _record_outcome(application: DeepEndRuleApplication, plan: DeepEndPlan) -> None:
    counts = plan.counts()
    application.description = plan.choice.rule.describe()
    application.data_vintage = plan.data_vintage[:300]
    application.assessed, application.deep_end = plan.assessed, plan.deep_end
    application.changed = counts.pop("practices_changed")
    for name, value in counts.items():
        setattr(application, name, value)
