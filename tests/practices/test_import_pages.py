"""The import pages: an admin uploads a file, the import runs as a background task (at once in tests), and
its page shows progress while it runs and the outcome when it ends. The same through the API."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from heft.audit.models import AuditEvent
from heft.practices.models import DataImport, ImportUpload, Practice
from heft.practices.services import data_import_start
from tests.practices.conftest import sample

pytestmark = pytest.mark.django_db


def upload(client, source: str, data: bytes, name: str = "file.csv"):
    return client.post(
        reverse("practices:import_list"), {"source": source, "file": SimpleUploadedFile(name, data)}
    )


def test_an_admin_uploads_a_file_and_sees_what_it_changed(client_for, nhs_regions):
    client = client_for("national_admin")
    response = upload(client, "epraccur", sample("epraccur"), "epraccur.csv")
    data_import = DataImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("practices:import_detail", args=[data_import.pk])
    assert data_import.status == DataImport.Status.LOADED
    assert not ImportUpload.objects.exists()  # the stored file is dropped once loaded
    page = client.get(response["Location"]).content.decode()
    assert "Loaded" in page
    assert "GP practices in the file" in page
    assert "Y97001" in page
    assert "hx-trigger" not in page
    assert 'http-equiv="refresh"' not in page  # finished: no more polling
    listing = client.get(reverse("practices:import_list")).content.decode()
    assert "epraccur.csv" in listing
    assert data_import.vintage in listing


def test_a_refused_upload_lists_its_problems_and_offers_them_all_as_csv(client_for, nhs_regions):
    client = client_for("national_admin")
    bad = sample("epraccur").replace(b'"19740401","","A"', b'"=HYPERLINK(1)","","Z"')
    response = upload(client, "epraccur", bad)
    page = client.get(response["Location"]).content.decode()
    assert "The file was refused: nothing was changed" in page
    assert "2 problems found" in page
    assert "Status &#39;Z&#39; is not one of A, C, D or P." in page
    assert not Practice.objects.filter(ods_code__startswith="Y97").exists()
    data_import = DataImport.objects.get()
    download = client.get(reverse("practices:import_problems", args=[data_import.pk]))
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["Line", "Column", "Problem"]
    assert rows[1] == ["1", "open date", "'=HYPERLINK(1)' is not a date (YYYYMMDD)."]


def test_the_upload_form_says_what_is_missing(client_for):
    client = client_for("national_admin")
    response = client.post(reverse("practices:import_list"), {})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#id_source"' in page
    assert "Choose which kind of file this is." in page
    assert 'href="#id_file"' in page
    assert "Choose a CSV file to upload." in page
    assert not DataImport.objects.exists()


def test_a_running_import_page_polls_for_its_status(client_for, admin):
    data_import = data_import_start(
        source="epraccur", file_name="epraccur.csv", data=sample("epraccur"), by=admin, keep_upload=True
    )
    client = client_for("national_admin")
    url = reverse("practices:import_detail", args=[data_import.pk])
    page = client.get(url).content.decode()
    assert "Waiting to start" in page
    assert "Waiting for the background worker" in page
    assert f'hx-get="{url}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="import-status"')
    assert "<html" not in fragment


def test_uploads_are_audited(client_for, nhs_regions, admin):
    upload(client_for("national_admin"), "epraccur", sample("epraccur"))
    verbs = set(AuditEvent.objects.filter(target_type="practices.dataimport").values_list("verb", "actor"))
    assert verbs == {("data_import.started", admin.pk), ("data_import.loaded", admin.pk)}


def test_the_api_takes_an_upload_and_reports_its_status(client_for, nhs_regions):
    client = client_for("national_admin")
    response = client.post(
        "/api/v1/imports", {"source": "epraccur", "file": SimpleUploadedFile("e.csv", sample("epraccur"))}
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "loaded"
    assert body["percent_done"] == 100
    detail = client.get(f"/api/v1/imports/{body['id']}").json()
    assert dict(detail["summary"]["counts"])["Added"] == 12
    assert detail["problems"] == []
    assert client.get(f"/api/v1/imports/{body['id'] + 1}").status_code == 404
    refused = client.post(
        "/api/v1/imports", {"source": "fingertips", "file": SimpleUploadedFile("f.csv", b"not,a\nfile,x\n")}
    ).json()
    assert refused["status"] == "refused"
    assert refused["problem_count"] == 6
    log = client.get("/api/v1/imports").json()
    assert [item["id"] for item in log["items"]] == [refused["id"], body["id"]]
    wrong = client.post(
        "/api/v1/imports", {"source": "nonsense", "file": SimpleUploadedFile("x.csv", b"a\n")}
    )
    assert wrong.status_code == 400
    assert wrong.json() == {"detail": "Choose which kind of file this is."}


def test_only_national_admins_upload_through_the_api(client_for):
    client = client_for("regional_lead")
    response = client.post(
        "/api/v1/imports", {"source": "epraccur", "file": SimpleUploadedFile("e.csv", b"x")}
    )
    assert response.status_code == 403
    assert not DataImport.objects.exists()
