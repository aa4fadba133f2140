"""Writes to practices and their data: imports, the Deep End rule and a practice's override. Each runs in one
transaction and leaves an audit event."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from heft.accounts.permissions import Perm, has_perm
from heft.audit.services import audit_record
from heft.core.tasks import enqueue_with_change
from heft.practices.deep_end import RULE_STAGES, RuleChoice, deep_end_rule_run
from heft.practices.imports import OnProgress, run_import
from heft.practices.models import DataImport, DeepEndRuleApplication, ImportUpload, Practice
from heft.practices.selectors import can_manage_practice
from heft.practices.tasks import run_deep_end_rule, run_uploaded_import


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

# Work the preview suggests will take longer than this goes to the background worker, with its progress on
# its page; shorter work is done while the person waits.
INLINE_SECONDS = 2.0


def deep_end_rule_request(
    *, choice: RuleChoice, expected: str, by, in_background: bool = False
) -> DeepEndRuleApplication:
    """Record a rule the person confirmed, with the digest of the changes they were shown. The work is
    deep_end_rule_run's: queued for the worker in this same transaction when `in_background`, so that it
    cannot be lost, else left to the caller to run at once."""
    _require_import_permission(by)
    rule = choice.rule  # a rule that cannot be is refused here (ValidationError)
    if not expected:
        raise ValidationError("Look at what the rule would change before applying it.")
    with transaction.atomic():
        application = DeepEndRuleApplication.objects.create(
            **choice.as_fields(),
            description=rule.describe(),
            expected=expected,
            stage=RULE_STAGES[0],
            progress_total=len(RULE_STAGES),
            by=_user(by),
            by_label=_label(by),
        )
        audit_record(
            by=by,
            verb="deep_end_rule.requested",
            target=application,
            after={**choice.as_fields(), "expected": expected, "in_background": in_background},
        )
        if in_background:
            enqueue_with_change(run_deep_end_rule, application.pk)
    return application


def deep_end_rule_apply(
    *, choice: RuleChoice, expected: str, by, expected_seconds: float = 0.0
) -> DeepEndRuleApplication:
    """Apply a rule whose changes (their digest, `expected`) the person has seen and confirmed: at once
    when it should be quick, otherwise in the background. Returns the application as it stands."""
    in_background = expected_seconds > INLINE_SECONDS
    application = deep_end_rule_request(choice=choice, expected=expected, by=by, in_background=in_background)
    if in_background:
        application.refresh_from_db()  # a worker in the same process (tests) has already run it
        return application
    return deep_end_rule_run(application_id=application.pk)


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
