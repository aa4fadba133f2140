"""Loading public data files into HEFT Hub: practices (NHS ODS), their deprivation (Fingertips), area
deprivation (IoD) and patients by area. Each load is all or nothing, safe to re-run (the same file changes
nothing), writes in bulk, and leaves its outcome in the import log and the audit trail.

The engine reads and checks the file; here the codes are checked against what is loaded, then written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from heft.audit.services import audit_record
from heft.engines.deprivation import (
    AREAS_IN_ENGLAND,
    READERS,
    Area,
    FileRefused,
    Problem,
    Reading,
    deciles,
    practice_shares,
)
from heft.engines.deprivation.sources import ENGLISH_LSOA, IOD_LABELS
from heft.practices.bulk import bulk_set
from heft.practices.models import DataImport, LsoaDeprivation, Practice
from heft.programmes.models import Region

logger = logging.getLogger(__name__)

OnProgress = Callable[[str, int, int], None]  # (stage, done, total)
BATCH = 1_000
PROBLEMS_KEPT = 5_000  # more than anyone reads; the count says how many there were in all
# NHS England regions as epraccur's "national grouping" names them, matched to HEFT regions by name.
NHS_REGIONS = {
    "Y56": "London",
    "Y58": "South West",
    "Y59": "South East",
    "Y60": "Midlands",
    "Y61": "East of England",
    "Y62": "North West",
    "Y63": "North East and Yorkshire",
}
TWO_PLACES, FOUR_PLACES = Decimal("0.01"), Decimal("0.0001")


def run_import(data_import: DataImport, data: bytes, *, on_progress: OnProgress | None = None) -> DataImport:
    """Read, check and load one file: all of it or none of it. The outcome is saved on `data_import`."""
    report = _progress_reporter(data_import, on_progress)
    _save_state(data_import, status=DataImport.Status.RUNNING, started_at=timezone.now())
    try:
        reading = READERS[data_import.source](
            data, lambda done, total: report("Reading and checking", done, total)
        )
        data_import.rows = reading.rows
        if reading.problems:
            raise FileRefused(reading.problems)
        report("Saving", 0, 1)
        with transaction.atomic():
            summary = LOADERS[data_import.source](reading, data_import)
            summary["notes"] = reading.notes + summary.get("notes", []) + _seen_before(data_import)
            _finish(data_import, DataImport.Status.LOADED, summary=summary, vintage=summary.pop("vintage"))
        report("Done", 1, 1)
    except FileRefused as refused:
        _refuse(data_import, refused.problems)
    except Exception:
        logger.exception("Import %s of %s failed", data_import.pk, data_import.source)
        _refuse(data_import, [], status=DataImport.Status.FAILED)
    return data_import


def _progress_reporter(data_import: DataImport, on_progress: OnProgress | None):
    """Saves progress on the import log (at most twice a second) for its page, and tells on_progress."""
    last = [0.0]

    def report(stage: str, done: int, total: int) -> None:
        if on_progress:
            on_progress(stage, done, total)
        now = time.monotonic()
        if now - last[0] >= 0.5 or done >= total:
            last[0] = now
            _save_state(data_import, stage=stage, progress_done=done, progress_total=total)

    return report


def _save_state(data_import: DataImport, **fields) -> None:
    for name, value in fields.items():
        setattr(data_import, name, value)
    DataImport.objects.filter(pk=data_import.pk).update(**fields)


def _finish(data_import: DataImport, status: str, **fields) -> None:
    """The final state and its audit event, in the caller's transaction (the load's own, or a new one)."""
    for name, value in {"status": status, "finished_at": timezone.now(), "stage": "", **fields}.items():
        setattr(data_import, name, value)
    data_import.save()
    after = {"status": status, "rows": data_import.rows, "problems": data_import.problem_count}
    after["summary"] = data_import.summary.get("counts", [])
    by = data_import.by or data_import.by_label
    audit_record(by=by, verb=f"data_import.{status}", target=data_import, after=after)


def _refuse(data_import: DataImport, problems: list[Problem], status=DataImport.Status.REFUSED) -> None:
    problems = sorted(problems, key=lambda p: (p.line or 0, p.column))
    with transaction.atomic():
        _finish(
            data_import,
            status,
            problems=[p.as_dict() for p in problems[:PROBLEMS_KEPT]],
            problem_count=len(problems),
            summary={},
        )


def _seen_before(data_import: DataImport) -> list[str]:
    earlier = (
        DataImport.objects.filter(
            source=data_import.source, checksum=data_import.checksum, status=DataImport.Status.LOADED
        )
        .exclude(pk=data_import.pk)
        .first()
    )
    if earlier is None:
        return []
    return [f"This file was loaded before, on {timezone.localtime(earlier.created_at):%d %B %Y at %H:%M}."]


def _file_vintage(label: str, data_import: DataImport) -> str:
    """Names the file by its checksum: the same file gives the same vintage, so re-running changes nothing."""
    return f"{label} (file {data_import.checksum[:12]})"


def _counts(*counts: tuple[str, int]) -> list[list]:
    """(label, number) pairs, as the import page and the command show them."""
    return [list(pair) for pair in counts]


def _unknown_practices(records, column: str) -> list[Problem]:
    known = set(
        Practice.objects.filter(ods_code__in={r.ods_code for r in records}).values_list("ods_code", flat=True)
    )
    return [
        Problem(r.line, f"Practice {r.ods_code} is not in HEFT Hub: load epraccur.csv first.", column)
        for r in records
        if r.ods_code not in known
    ]


# --- NHS ODS epraccur.csv ---------------------------------------------------------------------------------

ODS_FIELDS = [
    "name",
    "postcode",
    "status",
    "open_date",
    "close_date",
    "icb",
    "commissioner_code",
    "region_id",
    "ods_vintage",
]


# Record attribute -> (the practice field it fills, the file's name for the column).
ODS_TEXT = {
    "name": ("name", "name"),
    "postcode": ("postcode", "postcode"),
    "icb_code": ("icb", "high level health geography"),
    "commissioner_code": ("commissioner_code", "commissioner"),
}
FORMULA_STARTS = ("=", "+", "-", "@")  # a spreadsheet runs such text; no NHS name or code starts so


def _ods_text_problems(records) -> list[Problem]:
    """Text the reader accepts but a practice cannot hold (too long for its field) or that a spreadsheet
    would run as a formula: refused here, before anything is written, rather than failing on the way in."""
    problems = []
    for record in records:
        for attribute, (field, column) in ODS_TEXT.items():
            value, limit = getattr(record, attribute), Practice._meta.get_field(field).max_length
            if len(value) > limit:
                message = f"The {column} is {len(value):,} characters long; it can be at most {limit}."
                problems.append(Problem(record.line, message, column))
            elif value.startswith(FORMULA_STARTS):
                message = f"'{value[:40]}' looks like a spreadsheet formula, not a {column}."
                problems.append(Problem(record.line, message, column))
    return problems


def load_epraccur(reading: Reading, data_import: DataImport) -> dict:
    problems = _ods_text_problems(reading.records)
    if problems:
        raise FileRefused(problems)
    vintage = _file_vintage("NHS ODS epraccur", data_import)
    regions = {region.name.casefold(): region.pk for region in Region.objects.all()}
    existing = {p.ods_code: p for p in Practice.objects.only("ods_code", *ODS_FIELDS)}
    to_create, to_update, changed_fields, closed, updated = [], [], set(), [], 0
    for record in reading.records:
        values = {
            "name": record.name,
            "postcode": record.postcode,
            "status": record.status,
            "open_date": record.open_date,
            "close_date": record.close_date,
            "icb": record.icb_code,
            "commissioner_code": record.commissioner_code,
            "ods_vintage": vintage,
        }
        region_id = regions.get(NHS_REGIONS.get(record.region_code, "").casefold())
        if region_id:  # a region HEFT Hub does not run keeps whatever region the practice had
            values["region_id"] = region_id
        practice = existing.get(record.ods_code)
        if practice is None:
            to_create.append(Practice(ods_code=record.ods_code, **values))
            continue
        changed = [name for name, value in values.items() if getattr(practice, name) != value]
        if changed:
            if "status" in changed and record.status == Practice.Status.CLOSED:
                closed.append(record.ods_code)
            for name in changed:
                setattr(practice, name, values[name])
            changed_fields.update(changed)
            to_update.append(practice)
            updated += changed != ["ods_vintage"]  # a newer file saying the same is no update
    Practice.objects.bulk_create(to_create, batch_size=BATCH)
    bulk_set(Practice, to_update, sorted(changed_fields))
    in_file = {r.ods_code for r in reading.records}
    return {
        "vintage": vintage,
        "counts": _counts(
            ("GP practices in the file", len(reading.records)),
            ("Added", len(to_create)),
            ("Updated", updated),
            ("Newly closed", len(closed)),
            ("Unchanged", len(reading.records) - len(to_create) - updated),
            ("Practices in HEFT Hub not in the file", sum(code not in in_file for code in existing)),
        ),
        "codes": {"added": [p.ods_code for p in to_create], "newly closed": closed},
        "changed_fields": sorted(changed_fields),
    }


# --- Fingertips 93553 -------------------------------------------------------------------------------------


DECILE_NOTE = (
    "Deciles rank the practices in this file against each other. "
    "Apply the Deep End rule again to bring the Deep End flags up to date."
)


def load_fingertips(reading: Reading, data_import: DataImport) -> dict:
    unknown = _unknown_practices(reading.records, "Area Code")
    if unknown:
        raise FileRefused(unknown)
    decile = deciles({record.ods_code: record.score for record in reading.records})
    practices = Practice.objects.only("ods_code", "imd_score", "imd_decile", "deprivation_vintage")
    practices = {p.ods_code: p for p in practices.filter(ods_code__in=decile)}
    changed = []
    for record in reading.records:
        practice = practices[record.ods_code]
        new = (Decimal(str(record.score)).quantize(TWO_PLACES), decile[record.ods_code], reading.vintage)
        if (practice.imd_score, practice.imd_decile, practice.deprivation_vintage) != new:
            practice.imd_score, practice.imd_decile, practice.deprivation_vintage = new
            changed.append(practice)
    bulk_set(Practice, changed, ["imd_score", "imd_decile", "deprivation_vintage"])
    return {
        "vintage": reading.vintage,
        "counts": _counts(
            ("Practices with a score", len(reading.records)),
            ("Practices in decile 1", sum(d == 1 for d in decile.values())),
            ("Updated", len(changed)),
            ("Unchanged", len(reading.records) - len(changed)),
        ),
        "notes": [DECILE_NOTE],
    }


# --- English Indices of Deprivation -----------------------------------------------------------------------

AREA_FIELDS = ["imd_score", "imd_rank", "imd_decile"]


def load_iod(reading: Reading, data_import: DataImport) -> dict:
    """The file is the whole release: areas not in it are removed from that release."""
    release = reading.vintage
    existing = {a.lsoa_code: a for a in LsoaDeprivation.objects.filter(release=release)}
    to_create, to_update = [], []
    for record in reading.records:
        values = {
            "imd_score": Decimal(str(record.score)).quantize(Decimal("0.001")),
            "imd_rank": record.rank,
            "imd_decile": record.decile,
        }
        area = existing.pop(record.lsoa_code, None)
        if area is None:
            to_create.append(LsoaDeprivation(release=release, lsoa_code=record.lsoa_code, **values))
        elif any(getattr(area, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(area, name, value)
            to_update.append(area)
    LsoaDeprivation.objects.bulk_create(to_create, batch_size=BATCH)
    bulk_set(LsoaDeprivation, to_update, AREA_FIELDS)
    LsoaDeprivation.objects.filter(pk__in=[a.pk for a in existing.values()]).delete()
    return {
        "vintage": IOD_LABELS[release],
        "counts": _counts(
            ("Areas in the file", len(reading.records)),
            ("Added", len(to_create)),
            ("Updated", len(to_update)),
            ("Removed", len(existing)),
            ("Unchanged", len(reading.records) - len(to_create) - len(to_update)),
        ),
    }


# --- Patients registered at a GP practice, by LSOA --------------------------------------------------------

MAX_LIST_SIZE = 1_000_000  # the largest practices list about 100,000 patients
SHARE_FIELDS = [
    "most_deprived_share",
    "deprived_15_share",
    "deprived_20_share",
    "list_size",
    "shares_vintage",
]


def _release_for(records) -> str:
    """The loaded IoD release that holds the file's English areas (2011 and 2021 codes mostly overlap)."""
    english = {r.lsoa_code for r in records if ENGLISH_LSOA.fullmatch(r.lsoa_code)}
    held = {
        release: LsoaDeprivation.objects.filter(release=release, lsoa_code__in=english).count()
        for release in LsoaDeprivation.Release.values
    }
    best = max(held, key=held.get)
    if not held[best]:
        message = "No loaded Indices of Deprivation hold this file's areas: load the IoD release first."
        raise FileRefused([Problem(None, message)])
    return best


def load_lsoa_patients(reading: Reading, data_import: DataImport) -> dict:
    problems = _unknown_practices(reading.records, "PRACTICE_CODE")
    release = _release_for(reading.records)
    areas = {
        code: Area(rank, decile)
        for code, rank, decile in LsoaDeprivation.objects.filter(release=release).values_list(
            "lsoa_code", "imd_rank", "imd_decile"
        )
    }
    problems += [
        Problem(r.line, f"LSOA {r.lsoa_code} is not in {IOD_LABELS[release]}.", "LSOA_CODE")
        for r in reading.records
        if ENGLISH_LSOA.fullmatch(r.lsoa_code) and r.lsoa_code not in areas
    ]
    if problems:
        raise FileRefused(problems)
    shares = practice_shares(reading.records, areas, AREAS_IN_ENGLAND[release])
    too_many = [
        Problem(None, f"Practice {code} has {s.patients:,} patients in the file: more than a practice lists.")
        for code, s in shares.items()
        if s.patients > MAX_LIST_SIZE
    ]
    if too_many:
        raise FileRefused(too_many)
    vintage = f"{IOD_LABELS[release]}; {reading.vintage}"
    practices = Practice.objects.only("ods_code", *SHARE_FIELDS).filter(ods_code__in=shares)
    changed = []
    for practice in practices:
        figures = shares[practice.ods_code]
        new = {
            "most_deprived_share": _share(figures.share_10),
            "deprived_15_share": _share(figures.share_15),
            "deprived_20_share": _share(figures.share_20),
            "list_size": figures.patients,
            "shares_vintage": vintage,
        }
        if any(getattr(practice, name) != value for name, value in new.items()):
            for name, value in new.items():
                setattr(practice, name, value)
            changed.append(practice)
    bulk_set(Practice, changed, SHARE_FIELDS)
    unplaced = sum(s.unplaced for s in shares.values())
    return {
        "vintage": vintage,
        "counts": _counts(
            ("Practices in the file", len(shares)),
            ("Updated", len(changed)),
            ("Unchanged", len(shares) - len(changed)),
            ("Patients", sum(s.patients for s in shares.values())),
            ("Patients living outside England or in an unknown area", unplaced),
        ),
    }


def _share(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(FOUR_PLACES)


LOADERS = {
    DataImport.Source.EPRACCUR: load_epraccur,
    DataImport.Source.FINGERTIPS: load_fingertips,
    DataImport.Source.IOD: load_iod,
    DataImport.Source.LSOA_PATIENTS: load_lsoa_patients,
}
