"""Imports of the public files: the samples give the expected practices, deciles, shares and Deep End flags;
re-running a file changes nothing; every kind of bad file is refused whole, with every problem listed."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from heft.audit.models import AuditEvent
from heft.practices import imports
from heft.practices.models import DataImport, LsoaDeprivation, Practice
from heft.practices.services import data_import_run_file
from tests.practices.conftest import SAMPLES, apply_rule, sample

pytestmark = pytest.mark.django_db


def practice(code: str) -> Practice:
    return Practice.objects.get(ods_code=code)


def database_state() -> list:
    """Every practice and area value, to show that a refused or repeated import changed nothing."""
    return [
        list(Practice.objects.order_by("ods_code").values()),
        list(LsoaDeprivation.objects.order_by("release", "lsoa_code").values()),
    ]


def counts(data_import: DataImport) -> dict:
    return dict(data_import.summary["counts"])


# --- the sample files -------------------------------------------------------------------------------------


def test_epraccur_sample_creates_the_gp_practices(nhs_regions, load):
    data_import = load("epraccur")
    assert data_import.status == DataImport.Status.LOADED
    assert counts(data_import)["Added"] == 12
    assert (
        data_import.summary["notes"][0] == "2 rows are not GP practices (prescribing setting other than 4)."
    )
    created = {p.ods_code: p for p in Practice.objects.filter(ods_code__startswith="Y97")}
    assert sorted(created) == [f"Y970{n:02d}" for n in range(1, 13)]  # not the out-of-hours or prison rows
    harbourside = created["Y97001"]
    assert (harbourside.name, harbourside.postcode, harbourside.region, harbourside.icb) == (
        "HARBOURSIDE MEDICAL CENTRE",
        "ZZ1 1AA",
        nhs_regions["Y58"],
        "QZ1",
    )
    assert (created["Y97007"].status, str(created["Y97007"].close_date)) == ("C", "2024-03-31")
    assert created["Y97009"].status == "D"
    assert created["Y97012"].status == "P"
    assert created["Y97005"].region == nhs_regions["Y61"]
    assert data_import.vintage == f"NHS ODS epraccur (file {data_import.checksum[:12]})"


def test_fingertips_sample_sets_scores_and_national_deciles(loaded):
    deciles = dict(Practice.objects.filter(ods_code__startswith="Y97").values_list("ods_code", "imd_decile"))
    assert deciles == {
        "Y97001": 1, "Y97003": 1, "Y97005": 2, "Y97002": 3, "Y97008": 4, "Y97006": 5,
        "Y97010": 6, "Y97004": 7, "Y97011": 8, "Y97007": 9, "Y97009": 10, "Y97012": None,
    }  # fmt: skip
    assert practice("Y97001").imd_score == Decimal("52.40")
    assert practice("Y97001").imd_quintile == 1
    assert practice("Y97004").imd_quintile == 4
    assert practice("Y97001").deprivation_vintage == "IMD 2019 score, Fingertips 93553, 2019"
    assert counts(loaded["fingertips"])["Practices in decile 1"] == 2


def test_area_files_give_each_practice_its_share_of_patients_in_deprived_areas(loaded):
    assert LsoaDeprivation.objects.filter(release="IoD2019").count() == 20
    harbourside = practice("Y97001")
    assert (harbourside.list_size, harbourside.most_deprived_share) == (7000, Decimal("0.7143"))
    assert (harbourside.deprived_15_share, harbourside.deprived_20_share) == (
        Decimal("0.9286"),
        Decimal("0.9286"),
    )
    riverside = practice("Y97008")  # its areas are ranked 4,000 and 12,000 of 32,844: 15% but not 10%
    assert (riverside.most_deprived_share, riverside.deprived_15_share) == (Decimal("0"), Decimal("0.5"))
    assert practice("Y97005").list_size == 5500  # 500 of them in Wales: counted, in no deprived group
    assert harbourside.shares_vintage == "IoD 2019 (LSOA 2011); patients by LSOA, 01OCT2024"
    assert (
        dict(loaded["lsoa_patients"].summary["counts"])[
            "Patients living outside England or in an unknown area"
        ]
        == 500
    )


def test_deep_end_flags_from_the_samples_under_each_kind_of_rule(loaded, admin):
    def deep_end() -> set[str]:
        return set(
            Practice.objects.filter(is_deep_end=True, ods_code__startswith="Y97").values_list(
                "ods_code", flat=True
            )
        )

    # Ten open practices are ranked (the closed and proposed ones are not): the top tenth is one.
    application = apply_rule(admin, measure="share_15", method="decile")
    assert deep_end() == {"Y97001"}
    assert (application.assessed, application.data_vintage) == (
        10,
        "IoD 2019 (LSOA 2011); patients by LSOA, 01OCT2024",
    )
    harbourside = practice("Y97001")
    assert harbourside.deep_end_rule.startswith(
        "The most deprived tenth of practices in England with the highest share"
    )
    assert "(data: IoD 2019 (LSOA 2011)" in harbourside.deep_end_rule
    assert harbourside.deep_end_reason.startswith(
        "92.9% of patients live in the most deprived 15% of areas: number 1 of"
    )
    assert practice("Y97007").deep_end_reason == "Closed, so not ranked."

    apply_rule(admin, measure="imd_score", method="top_n", top_n=3)
    assert deep_end() == {"Y97001", "Y97003", "Y97005"}
    apply_rule(admin, measure="imd_score", method="decile", per_region=True)
    assert deep_end() == {"Y97001", "Y97005"}  # the highest score in South West and in East of England
    assert "in East of England" in practice("Y97005").deep_end_reason


# --- safe to re-run ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["epraccur", "fingertips", "iod", "lsoa_patients"])
def test_loading_the_same_file_again_changes_nothing(loaded, load, source):
    before = database_state()
    again = load(source)
    assert database_state() == before
    assert again.status == DataImport.Status.LOADED
    assert counts(again).get("Added", 0) == counts(again)["Updated"] == 0
    assert any(note.startswith("This file was loaded before, on ") for note in again.summary["notes"])
    assert DataImport.objects.filter(source=source, checksum=again.checksum).count() == 2


def test_a_newer_epraccur_reports_what_changed(loaded, load):
    newer = sample("epraccur").decode()
    newer = newer.replace("QUAYSIDE SURGERY", "QUAYSIDE MEDICAL PRACTICE")
    newer = newer.replace('"19960101","","A"', '"19960101","20261031","C"')  # Orchard Lane closes
    data_import = load("epraccur", newer.encode())
    assert counts(data_import)["Updated"] == 2
    assert counts(data_import)["Newly closed"] == 1
    assert data_import.summary["codes"]["newly closed"] == ["Y97004"]
    assert practice("Y97002").name == "QUAYSIDE MEDICAL PRACTICE"
    assert practice("Y97004").status == Practice.Status.CLOSED
    assert practice("Y97004").imd_score == Decimal("17.50")  # deprivation is not epraccur's to change


# --- bad files: refused whole -----------------------------------------------------------------------------

EPRACCUR = sample("epraccur").decode()
FINGERTIPS = sample("fingertips").decode()


def _bad_types(text: str) -> bytes:
    return text.replace('"19740401","","A"', '"1 April 1974","","Z"', 1).encode()


BAD_FILES = [
    # (source, file, expected problems as (line, start of message))
    ("epraccur", b"", [(None, "The file is empty.")]),
    (
        "epraccur",
        EPRACCUR.replace("CASTLE HILL", "CASTLE H\xc9LL").encode("latin-1"),
        [(10, "The file is not UTF-8")],
    ),
    ("epraccur", EPRACCUR.replace('"4",""', '"4","",""', 1).encode(), [(1, "This row has 28 columns")]),
    ("epraccur", EPRACCUR.replace(',"4",""', ',"4"', 1).encode(), [(1, "This row has 26 columns")]),
    ("epraccur", _bad_types(EPRACCUR), [(1, "'1 April 1974' is not a date"), (1, "Status 'Z' is not one")]),
    (
        "epraccur",
        (EPRACCUR + EPRACCUR.splitlines()[2]).encode(),
        [(15, "Organisation code Y97003 appears more")],
    ),
    ("fingertips", FINGERTIPS.replace(",Value,", ",Score,", 1).encode(), [(1, "The header has no 'Value'")]),
    ("fingertips", FINGERTIPS.replace(",52.4,", ",52.4,99,", 1).encode(), [(5, "This row has 28 values")]),
    ("fingertips", FINGERTIPS.replace(",33.0,", ",thirty,", 1).encode(), [(6, "Value 'thirty' is not")]),
    ("fingertips", FINGERTIPS.replace("Y97011", "Y97099").encode(), [(15, "Practice Y97099 is not in")]),
    (
        "iod",
        sample("lsoa_patients"),
        [(1, "This looks like Patients registered")] + [(1, "The header has no")] * 4,
    ),
    (
        "lsoa_patients",
        sample("lsoa_patients").replace(b"E01099020", b"E01088888"),
        [(25, "LSOA E01088888 is not in IoD 2019 (LSOA 2011).")],
    ),
]


@pytest.mark.parametrize("source,data,expected", BAD_FILES)
def test_a_bad_file_is_refused_whole_with_every_problem(loaded, load, source, data, expected):
    before = database_state()
    data_import = load(source, data)
    assert data_import.status == DataImport.Status.REFUSED
    assert database_state() == before
    found = [(p["line"], p["message"]) for p in data_import.problems]
    assert len(found) == len(expected) == data_import.problem_count
    for (line, message), (expected_line, expected_start) in zip(found, expected, strict=True):
        assert line == expected_line, (line, message)
        assert message.startswith(expected_start), (line, message)
    refused = AuditEvent.objects.get(verb="data_import.refused", target_id=str(data_import.pk))
    assert refused.after["problems"] == len(expected)


def test_every_problem_in_a_file_is_reported_at_once(nhs_regions, load):
    rows = [row.split('","') for row in EPRACCUR.splitlines()]
    for row in rows:
        row[12] = "?"  # every row has a bad status
    data_import = load("epraccur", "\n".join('","'.join(row) for row in rows).encode())
    assert [p["line"] for p in data_import.problems] == list(range(1, 15))
    assert not Practice.objects.filter(ods_code__startswith="Y97").exists()


def test_codes_unknown_to_heft_hub_are_refused(nhs_regions, load):
    data_import = load("fingertips")  # before epraccur: none of its practices exist yet
    assert data_import.status == DataImport.Status.REFUSED
    assert data_import.problem_count == 11
    assert data_import.problems[0] == {
        "line": 5,
        "column": "Area Code",
        "message": "Practice Y97001 is not in HEFT Hub: load epraccur.csv first.",
    }
    load("epraccur")
    no_areas = load("lsoa_patients")  # before the Indices of Deprivation
    assert no_areas.problems[0]["message"].startswith(
        "No loaded Indices of Deprivation hold this file's areas"
    )


def test_an_unexpected_error_leaves_nothing_half_written(nhs_regions, load, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    load("epraccur")  # creates the practices
    monkeypatch.setattr(imports, "bulk_set", fail)
    newer = EPRACCUR.replace("QUAYSIDE SURGERY", "QUAYSIDE MEDICAL PRACTICE").replace("Y97012", "Y97013")
    data_import = load("epraccur", newer.encode())  # would create Y97013, then fails on the update
    assert data_import.status == DataImport.Status.FAILED
    assert not Practice.objects.filter(ods_code="Y97013").exists()
    assert practice("Y97002").name == "QUAYSIDE SURGERY"


# --- who may import, and the record each import leaves ----------------------------------------------------


def test_only_national_admins_import(world, nhs_regions):
    for role in ("regional_lead", "scheme_admin", "educator", "mentor", "trainee"):
        with pytest.raises(PermissionDenied):
            data_import_run_file(
                source="epraccur", file_name="e.csv", data=sample("epraccur"), by=world.user(role)
            )
    assert not DataImport.objects.exists()
    assert not Practice.objects.filter(ods_code__startswith="Y97").exists()


def test_each_import_is_logged_and_audited(nhs_regions, load, admin):
    data_import = load("epraccur", file_name="epraccur.csv")
    assert (data_import.file_name, data_import.rows, data_import.by, data_import.by_label) == (
        "epraccur.csv",
        14,
        admin,
        admin.email,
    )
    assert len(data_import.checksum) == 64
    assert data_import.size == len(sample("epraccur"))
    assert data_import.started_at <= data_import.finished_at
    verbs = list(AuditEvent.objects.filter(target_id=str(data_import.pk)).values_list("verb", "actor"))
    assert sorted(verbs) == [("data_import.loaded", admin.pk), ("data_import.started", admin.pk)]


def test_the_command_loads_a_file_and_shows_what_changed(nhs_regions):
    out = io.StringIO()
    call_command("import_practice_data", "epraccur", str(SAMPLES / "epraccur.csv"), stdout=out)
    text = out.getvalue()
    assert "GP practices in the file" in text
    assert "Added" in text
    assert "12" in text
    data_import = DataImport.objects.get()
    assert data_import.by is None
    assert data_import.by_label.startswith("manage.py import_practice_data (")


def test_the_command_refuses_a_bad_file_listing_its_problems(tmp_path, nhs_regions):
    bad = tmp_path / "epraccur.csv"
    bad.write_bytes(_bad_types(EPRACCUR))
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"Refused: nothing was changed \(2 problems\)"):
        call_command("import_practice_data", "epraccur", str(bad), stdout=out)
    assert "line 1: '1 April 1974' is not a date (YYYYMMDD)." in out.getvalue()
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_practice_data", "epraccur", str(tmp_path / "missing.csv"))
