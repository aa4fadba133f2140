"""The equity report: each trainee's months in Deep End practices, IMD quintiles and innovative posts; the
distributions by scheme and region; charts beside their numbers; downloads; the API. All within scope."""

import base64
import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from heft.reports.selectors import exposure_rows, group_summaries, mode_summaries
from tests.pages import page_text

pytestmark = pytest.mark.django_db
Day = datetime.date


def by_trainee(rows) -> dict:
    return {row.trainee_id: row.exposure for row in rows}


def test_exposure_months_for_each_trainee(placed):
    rows = by_trainee(exposure_rows(placed.user("national_admin")))
    a, a2, b = rows[placed.trainee_a.pk], rows[placed.trainee_a2.pk], rows[placed.trainee_b.pk]
    assert (a.months, a.deep_end, a.innovative, a.gp) == pytest.approx((15, 12, 3, 12))
    assert a.quintiles[1] == pytest.approx(12)
    assert (a2.months, a2.deep_end, a2.gp, a2.quintiles[4]) == pytest.approx((15.6, 0, 9.6, 9.6))
    assert b.deep_end == pytest.approx(6)
    to_date = by_trainee(exposure_rows(placed.user("national_admin"), until=Day(2025, 2, 6)))
    assert to_date[placed.trainee_a.pk].deep_end == pytest.approx(6)


def test_rows_reach_only_the_schemes_in_scope(placed):
    for role in ("regional_lead", "scheme_admin"):
        ids = {row.trainee_id for row in exposure_rows(placed.user(role))}
        assert ids == {placed.trainee_a.pk, placed.trainee_a2.pk}, role
    assert exposure_rows(placed.user("educator")) == []  # no VIEW_REPORTS: no scope


def test_summaries_compare_heft_trainees_with_the_others(placed):
    rows = exposure_rows(placed.user("national_admin"))
    modes = {m.heft_mode: m for m in mode_summaries(rows)}
    assert modes["rotation"].trainees == 2
    assert modes["none"].trainees == 1
    assert modes["rotation"].deep_end.median == pytest.approx(9)  # 12 and 6
    assert modes["none"].deep_end.median == 0
    groups = [(g.group, g.heft_mode, g.trainees) for g in group_summaries(rows, "region")]
    assert groups == [("Region A", "rotation", 1), ("Region A", "none", 1), ("Region B", "rotation", 1)]


def test_a_lead_sees_the_dashboard_with_charts_beside_their_numbers(client_for, placed):
    client = client_for("regional_lead")
    response = client.get(reverse("reports:equity"))
    text = page_text(response)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert "2 trainees counted." in text
    assert placed.trainee_a.full_name in text
    assert placed.trainee_b.full_name not in text
    images = re.findall(
        r'<img class="nhsuk-image__img" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', text
    )
    assert len(images) == 2
    for data, alt in images:
        assert base64.b64decode(data).lstrip().startswith(b"<?xml")
        assert b"<svg" in base64.b64decode(data)
        assert "The same numbers are in the table" in alt
    assert '<caption class="nhsuk-table__caption">Mean months per trainee' in text
    assert "Scheme B" not in text  # neither in the filters nor the tables


def test_filters_stay_within_scope(client_for, placed):
    client = client_for("regional_lead")
    outside = client.get(reverse("reports:equity"), {"scheme": placed.scheme_b.code}).content.decode()
    assert "2 trainees counted." in outside  # an out-of-scope scheme is no filter at all
    by_region = client.get(reverse("reports:equity"), {"by": "region", "period": "to_date"}).content.decode()
    assert "Deep End months by region" in by_region
    assert ", up to " in by_region


def test_the_csv_download_defuses_formulas(client_for, placed):
    response = client_for("scheme_admin").get(reverse("reports:equity_export"), {"format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="heft-equity-exposure.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row["Trainee"] for row in rows} == {placed.trainee_a.full_name, "'" + placed.trainee_a2.full_name}
    mine = next(row for row in rows if row["GMC number"] == placed.trainee_a.gmc_number)
    assert (mine["Deep End months"], mine["Innovative post months"], mine["HEFT"]) == (
        "12.0",
        "3.0",
        "HEFT rotation",
    )


def test_the_excel_download_holds_trainees_and_summaries(client_for, placed):
    response = client_for("national_admin").get(
        reverse("reports:equity_export"), {"format": "xlsx", "by": "region"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Trainees", "By region", "HEFT compared"]
    trainees = list(workbook["Trainees"].values)
    assert trainees[0][:3] == ("Trainee", "GMC number", "Scheme")
    assert len(trainees) == 4
    assert "'=SUM(A1) " + placed.trainee_a2.surname in [row[0] for row in trainees]
    regions = list(workbook["By region"].values)
    assert [row[:3] for row in regions[1:]] == [
        ("Region A", "HEFT rotation", 1),
        ("Region A", "Not in HEFT", 1),
        ("Region B", "HEFT rotation", 1),
    ]


def test_the_api_gives_exposure_per_trainee_scheme_and_region_within_scope(client_for, placed):
    client = client_for("regional_lead")
    trainees = client.get("/api/v1/exposure/trainees").json()
    assert trainees["count"] == 2
    mine = client.get(f"/api/v1/exposure/trainees/{placed.trainee_a.pk}").json()
    assert mine[0]["exposure"] == {
        "months": 15.0,
        "gp": 12.0,
        "deep_end": 12.0,
        "innovative": 3.0,
        "by_imd_quintile": {"1": 12.0, "2": 0.0, "3": 0.0, "4": 0.0, "5": 0.0, "no_data": 0.0},
    }
    assert client.get(f"/api/v1/exposure/trainees/{placed.trainee_b.pk}").status_code == 404
    schemes = client.get("/api/v1/exposure/schemes").json()
    assert [(s["group"], s["heft_mode"], s["trainees"]) for s in schemes] == [
        ("Scheme A", "rotation", 1),
        ("Scheme A", "none", 1),
    ]
    assert schemes[0]["deep_end"]["median"] == 12.0
    regions = client_for("national_admin").get("/api/v1/exposure/regions").json()
    assert {r["group"] for r in regions} == {"Region A", "Region B"}
    assert client_for("educator").get("/api/v1/exposure/schemes").status_code == 403


def test_the_openapi_schema_describes_practices_imports_and_exposure(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/deprivation/practices",
        "/api/v1/deprivation/practices/{ods_code}",
        "/api/v1/deprivation/deep-end-rules",
        "/api/v1/imports",
        "/api/v1/imports/{import_id}",
        "/api/v1/exposure/trainees",
        "/api/v1/exposure/trainees/{trainee_id}",
        "/api/v1/exposure/schemes",
        "/api/v1/exposure/regions",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/imports"]) == {"get", "post"}
