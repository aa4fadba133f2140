"""Subject access: a trainee's export holds every kind of record about them, nothing about anyone else's
records, no secrets, and every export leaves an audit event."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heft.audit.models import AuditEvent
from heft.privacy.export import SECTIONS, subject_access_data
from heft.teaching.models import Attendance, CalendarFeedToken, Reflection
from tests.pages import page_text
from tests.privacy.conftest import _session


def _json(response) -> dict:
    return json.loads(b"".join(response.streaming_content) if response.streaming else response.content)


def test_every_section_holds_the_trainees_records(records_a, records_b):
    export = subject_access_data(records_a.trainee)
    empty = [section.key for section in export.sections if not section.records]
    assert empty == []
    assert [s.key for s in export.sections] == [s.key for s in SECTIONS] + ["audit_about_you"]


def test_the_export_holds_nothing_of_another_trainees(records_a, records_b):
    text = json.dumps(subject_access_data(records_a.trainee).as_json(), default=str)
    assert "alpha" in text
    assert "bravo" not in text
    assert records_b.trainee.email not in text
    assert records_b.trainee.gmc_number not in text


def test_the_export_holds_no_secrets(records_a):
    trainee = records_a.trainee
    document = subject_access_data(trainee).as_json()
    text = json.dumps(document, default=str)
    assert trainee.user.password not in text
    assert CalendarFeedToken.objects.get(trainee=trainee).token_hash not in text
    authenticators = next(s for s in document["sections"] if s["key"] == "authenticators")["records"]
    assert authenticators
    assert all("data" not in record for record in authenticators)
    assert all("token_hash" not in r for s in document["sections"] for r in s["records"])


def test_audit_events_about_the_trainee_are_exported(records_a, client_for):
    client_for("national_admin").get(f"/trainees/{records_a.trainee.pk}/")
    about = next(s for s in subject_access_data(records_a.trainee).sections if s.key == "audit_about_you")
    assert "viewed" in [
        field.value for record in about.records for field in record.fields if field.name == "verb"
    ]


def test_trainee_downloads_their_own_data_as_json(records_a, client_for):
    response = client_for("trainee").get("/privacy/my-data/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    document = _json(response)
    assert document["subject"]["trainee_id"] == records_a.trainee.pk
    trainee_section = next(s for s in document["sections"] if s["key"] == "trainee")
    assert trainee_section["records"][0]["gmc_number"] == records_a.trainee.gmc_number


def test_trainee_reads_their_own_data_as_a_page(records_a, client_for):
    response = client_for("trainee").get("/privacy/my-data/")
    body = response.content.decode()
    assert response.status_code == 200
    assert records_a.reflection_text in body
    assert records_a.note_text in body
    assert "How long it is kept" in body


@pytest.mark.parametrize("role", ["national_admin", "regional_lead", "scheme_admin"])
def test_programme_teams_export_trainees_in_their_scope(role, world, records_a, client_for):
    client = client_for(role)
    assert client.get(f"/privacy/trainees/{world.trainee_a2.pk}/export.json").status_code == 200
    assert client.get(f"/privacy/trainees/{records_a.trainee.pk}/").status_code == 200


@pytest.mark.parametrize("role", ["regional_lead", "scheme_admin"])
def test_another_regions_trainee_is_not_found(role, world, client_for):
    client = client_for(role)
    assert client.get(f"/privacy/trainees/{world.trainee_b.pk}/").status_code == 404
    assert client.get(f"/privacy/trainees/{world.trainee_b.pk}/export.json").status_code == 404


def test_national_admins_reach_every_trainee(world, client_for):
    assert client_for("national_admin").get(f"/privacy/trainees/{world.trainee_b.pk}/").status_code == 200


def test_the_search_lists_only_trainees_in_scope(world, client_for):
    body = page_text(client_for("regional_lead").get("/privacy/"))
    assert world.trainee_a2.surname in body
    assert world.trainee_b.surname not in body


@pytest.mark.parametrize(
    "role,url",
    [
        ("trainee", "/privacy/my-data/export.json"),
        ("trainee", "/privacy/my-data/"),
        ("regional_lead", "/privacy/trainees/{pk}/export.json"),
        ("national_admin", "/privacy/trainees/{pk}/"),
    ],
)
def test_every_export_is_audited(role, url, world, records_a, client_for):
    before = AuditEvent.objects.filter(verb="privacy.exported").count()
    response = client_for(role).get(url.format(pk=records_a.trainee.pk))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(verb="privacy.exported").latest("pk")
    assert AuditEvent.objects.filter(verb="privacy.exported").count() == before + 1
    assert event.actor == world.user(role)
    assert (event.target_type, event.target_id) == ("trainees.trainee", str(records_a.trainee.pk))
    assert event.after["format"] == ("json" if url.endswith(".json") else "html")
    assert event.after["records"] > 20


def test_a_trainee_without_a_record_gets_404(world, client_for):
    world.trainee_a.user = None
    world.trainee_a.save()
    assert client_for("trainee").get("/privacy/my-data/").status_code == 404


def test_linked_records_are_named_as_they_name_themselves(records_a):
    """Read a level at a time for every section together, the names are those a fresh read gives."""
    export = subject_access_data(records_a.trainee)
    notice = next(s for s in export.sections if s.key == "release_notices").records[0]
    placement = next(f for f in notice.fields if f.name == "placement")
    model = next(s for s in SECTIONS if s.key == "release_notices").model_class
    fresh = model.objects.get(pk=next(f.value for f in notice.fields if f.name == "id"))
    assert placement.text == str(fresh.placement)  # named by its post, the post by its category: 3 deep
    offer = next(s for s in export.sections if s.key == "offers").records[0]
    assert next(f.text for f in offer.fields if f.name == "run").startswith("Run ")


def test_the_export_asks_no_more_queries_as_records_grow(records_a):
    with CaptureQueriesContext(connection) as before:
        small = subject_access_data(records_a.trainee)
    session = records_a.session
    for n in range(4):
        extra = _session(session.year, session.start, f"Extra session {n}")
        trainee = records_a.trainee
        Attendance.objects.create(session=extra, trainee=trainee, status="attended", source="check_in")
        Reflection.objects.create(session=extra, trainee=trainee, text=f"Extra reflection {n}")
    with CaptureQueriesContext(connection) as after:
        large = subject_access_data(records_a.trainee)
    assert large.record_count >= small.record_count + 8
    assert len(after) == len(before)
    reflections = next(s for s in large.sections if s.key == "reflections").records
    assert {f.text for r in reflections for f in r.fields if f.name == "session"} >= {
        str(s) for s in type(session).objects.filter(title__startswith="Extra session")
    }


def test_a_record_reached_twice_through_a_many_to_many_link_is_exported_once(records_a):
    user = records_a.trainee.user
    records_a.session.leads.add(user)  # already a lead: the link is unique, the section must not repeat it
    export = subject_access_data(records_a.trainee)
    led = next(s for s in export.sections if s.key == "sessions_led").records
    ids = [f.value for r in led for f in r.fields if f.name == "id"]
    assert len(ids) == len(set(ids)) == 1
