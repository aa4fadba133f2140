"""Writes to practices and their data: imports, the Deep End rule and a practice's override. Each runs in one
transaction and leaves an audit event."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from heft.accounts.permissions import Perm, has_perm
from heft.audit.services import audit_record
from heft.engines.deprivation import DeepEndRule, PracticeMeasure, RuleError, apply_rule
from heft.practices.bulk import bulk_set
from heft.practices.imports import OnProgress, run_import
from heft.practices.models import DataImport, DeepEndRuleApplication, ImportUpload, Practice
from heft.practices.selectors import can_manage_practice
from heft.practices.tasks import run_uploaded_import

MEASURE_FIELDS = {
    "imd_score": ("imd_score", "deprivation_vintage"),
    "share_10": ("most_deprived_share", "shares_vintage"),
    "share_15": ("deprived_15_share", "shares_vintage"),
    "share_20": ("deprived_20_share", "shares_vintage"),
}
RANKED_STATUSES = {Practice.Status.ACTIVE, Practice.Status.DORMANT}
DEEP_END_FIELDS = ["is_deep_end", "deep_end_by_rule", "deep_end_rule", "deep_end_reason"]


def _label(by) -> str:
    return getattr(by, "email", None) or str(by)


def _user(by):
    return by if getattr(by, "pk", None) else None


def _require_import_permission(by) -> None:
    """People need IMPORT_DATA; the command line (a label, not a user) is trusted as the server's operator."""
    if not isinstance(by, str) and not has_perm(by, Perm.IMPORT_DATA):
        raise PermissionDenied("Only national admins load public data.")


def data_import_start(
    *, source: str, file_name: str, data: bytes, by, keep_upload: bool = False
) -> DataImport:
    """A new entry in the import log for a file about to be loaded; with keep_upload, the file waits in the
    database for the background worker."""
    _require_import_permission(by)
    if source not in DataImport.Source.values:
        raise ValidationError({"source": "Choose which kind of file this is."})
    with transaction.atomic():
        data_import = DataImport.objects.create(
            source=source,
            file_name=file_name[:255],
            checksum=hashlib.sha256(data).hexdigest(),
            size=len(data),
            by=_user(by),
            by_label=_label(by),
        )
        if keep_upload:
            ImportUpload.objects.create(data_import=data_import, content=data)
        audit_record(
            by=by,
            verb="data_import.started",
            target=data_import,
            after={"source": source, "file_name": data_import.file_name, "checksum": data_import.checksum},
        )
    return data_import


def data_import_upload(*, source: str, file_name: str, data: bytes, by) -> DataImport:
    """Log an uploaded file and hand it to the background worker (at once, in tests)."""
    data_import = data_import_start(source=source, file_name=file_name, data=data, by=by, keep_upload=True)
    run_uploaded_import.enqueue(data_import.pk)
    data_import.refresh_from_db()
    return data_import


def data_import_run_file(
    *, source: str, file_name: str, data: bytes, by, on_progress: OnProgress | None = None
) -> DataImport:
    """Load a file here and now (the management command's way)."""
    data_import = data_import_start(source=source, file_name=file_name, data=data, by=by)
    return run_import(data_import, data, on_progress=on_progress)


# --- the Deep End rule ------------------------------------------------------------------------------------


def deep_end_rule_apply(
    *, measure: str, method: str, top_n: int | None = None, per_region: bool = False, by
) -> DeepEndRuleApplication:
    """Rank every open practice by the rule, set each one's Deep End flag and reason, and record the rule.

    A practice with an override keeps its overridden flag; the rule's answer is kept beside it.
    """
    _require_import_permission(by)
    try:
        top_n = top_n if method == "top_n" else None
        rule = DeepEndRule(measure=measure, method=method, top_n=top_n, per_region=per_region)
    except RuleError as error:
        raise ValidationError(str(error)) from None
    value_field, vintage_field = MEASURE_FIELDS[measure]
    with transaction.atomic():
        fields = ("ods_code", "status", "region__name", value_field, vintage_field, "deep_end_override")
        practices = list(
            Practice.objects.select_for_update(of=("self",))
            .select_related("region")
            .only(*fields, *DEEP_END_FIELDS)
        )
        ranked = [p for p in practices if p.status in RANKED_STATUSES]
        decisions = apply_rule(
            rule,
            [
                PracticeMeasure(
                    p.pk, _as_float(getattr(p, value_field)), p.region.name if p.region_id else None
                )
                for p in ranked
            ],
        )
        vintages = sorted({getattr(p, vintage_field) for p in ranked if getattr(p, value_field) is not None})
        data_vintage = "; ".join(vintages) or "no figures loaded"
        rule_text = f"{rule.describe()} (data: {data_vintage})"[:300]
        changed, became, left = _set_deep_end_flags(practices, decisions, rule_text)
        bulk_set(Practice, changed, DEEP_END_FIELDS)
        application = DeepEndRuleApplication.objects.create(
            measure=measure,
            method=method,
            top_n=rule.top_n,
            per_region=per_region,
            description=rule.describe(),
            data_vintage=data_vintage[:300],
            assessed=sum(d.place is not None for d in decisions.values()),
            deep_end=sum(d.is_deep_end for d in decisions.values()),
            changed=len(became) + len(left),
            by=_user(by),
            by_label=_label(by),
        )
        audit_record(
            by=by,
            verb="deep_end_rule.applied",
            target=application,
            after={"rule": rule_text, "deep_end": application.deep_end, "became": became, "left": left},
        )
    return application


def _as_float(value) -> float | None:
    return None if value is None else float(value)


def _set_deep_end_flags(practices, decisions, rule_text):
    """Set flag, rule and reason on each practice; returns (changed, codes now Deep End, codes no longer)."""
    changed, became, left = [], [], []
    for practice in practices:
        decision = decisions.get(practice.pk)
        by_rule = bool(decision and decision.is_deep_end)
        reason = decision.reason if decision else f"{practice.get_status_display()}, so not ranked."
        flag = by_rule if practice.deep_end_override is None else practice.deep_end_override
        new = {
            "is_deep_end": flag,
            "deep_end_by_rule": by_rule,
            "deep_end_rule": rule_text,
            "deep_end_reason": reason,
        }
        if all(getattr(practice, name) == value for name, value in new.items()):
            continue
        if flag != practice.is_deep_end:
            (became if flag else left).append(practice.ods_code)
        for name, value in new.items():
            setattr(practice, name, value)
        changed.append(practice)
    return changed, became, left


def practice_deep_end_override(*, practice: Practice, decision: bool | None, reason: str, by) -> Practice:
    """Decide one practice's Deep End status by hand (True or False), or hand it back to the rule (None)."""
    if not can_manage_practice(by, practice):
        raise PermissionDenied("This practice is outside the region or schemes you manage.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why: the reason is kept with the decision."})
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        before = {"is_deep_end": practice.is_deep_end, "override": practice.deep_end_override}
        if practice.deep_end_by_rule is None and practice.deep_end_override is None:
            practice.deep_end_by_rule = practice.is_deep_end  # the flag as it stood before any override
        if decision is None:
            if practice.deep_end_by_rule is not None:
                practice.is_deep_end = practice.deep_end_by_rule
            practice.deep_end_override, practice.deep_end_override_reason = None, ""
        else:
            practice.is_deep_end = practice.deep_end_override = decision
            practice.deep_end_override_reason = reason
        practice.save(
            update_fields=["is_deep_end", "deep_end_by_rule", "deep_end_override", "deep_end_override_reason"]
        )
        audit_record(
            by=by,
            verb="practice.deep_end_overridden"
            if decision is not None
            else "practice.deep_end_override_cleared",
            target=practice,
            before=before,
            after={"is_deep_end": practice.is_deep_end, "override": decision, "reason": reason},
        )
    return practice
