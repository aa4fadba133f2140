"""Registers for big sessions: "mark all present", search and filter that keep unsaved marks, and the import
of the online meeting's attendance report (checked before anything is recorded, every change audited)."""

import codecs
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from heft.audit.models import AuditEvent
from heft.teaching import registers
from heft.teaching.models import Attendance
from heft.teaching.selectors import trainees_for_session
from tests import factories as f
from tests.pages import page_text, squeezed

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "teams-attendance-report.csv"


def register_url(session, **query):
    url = reverse("teaching:register", kwargs={"pk": session.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def import_url(session):
    return reverse("teaching:register_import", kwargs={"pk": session.pk})


def statuses(session) -> dict:
    return dict(Attendance.objects.filter(session=session).values_list("trainee__email", "status"))


@pytest.fixture
def people(world):
    """Region A trainees named in the sample report (one under another address), beside trainee A and A2."""

    def trainee(forenames, surname, email):
        return f.MembershipFactory(
            scheme=world.scheme_a,
            trainee__forenames=forenames,
            trainee__surname=surname,
            trainee__email=email,
        ).trainee

    return {
        "priya": trainee("Priya", "Example", "priya.example@example.org"),
        "tom": trainee("Tom", "Sample", "tom.sample@example.org"),
        "grace": trainee("Grace", "Placeholder", "grace.placeholder@example.org"),
        "olu": trainee("Olu", "Invented", "olu.invented@example.org"),  # joined from another address
        "zoe": trainee("Zoë", "Fictional", "zoe.fictional@example.org"),
    }


# --- mark all present -------------------------------------------------------------------------------------


def test_mark_all_present_marks_the_unmarked_and_keeps_apologies(client_for, world, teaching, people):
    session = teaching.now
    Attendance.objects.create(session=session, trainee=people["tom"], status="apologies", source="register")
    client = client_for("educator")
    response = client.post(register_url(session), {"action": "all_present"})
    assert response.status_code == 302
    recorded = statuses(session)
    assert recorded.pop("tom.sample@example.org") == "apologies"
    assert set(recorded.values()) == {"attended"}
    assert len(recorded) == 6  # A, A2 and the four others
    assert AuditEvent.objects.filter(verb="attendance.recorded").count() == 6
    summary = AuditEvent.objects.get(verb="register.all_marked_present")
    assert summary.target_id == str(session.pk)
    assert summary.after == {"marked": 6}
    page = page_text(client.get(register_url(session)))
    assert "Marked 6 trainees present" in page
    assert "Mark all" not in page  # nobody is left unmarked


def test_mark_all_present_waits_for_the_session_to_begin(client_for, teaching, people):
    client = client_for("educator")
    response = client.post(register_url(teaching.future), {"action": "all_present"})
    assert response.status_code == 302
    assert not Attendance.objects.exists()
    page = page_text(client.get(register_url(teaching.future)))
    assert "only apologies can be recorded" in page
    assert "Mark all" not in page


# --- search and filter ------------------------------------------------------------------------------------


def test_search_by_name_or_email_ignoring_case_and_accents(client_for, world, teaching, people):
    page = page_text(client_for("educator").get(register_url(teaching.now, q="zoe")))
    assert "Zoë Fictional" in page
    assert "Priya Example" not in page
    assert "Showing 1 of 7 trainees." in page
    page = page_text(client_for("educator").get(register_url(teaching.now, q="TOM.SAMPLE@")))
    assert "Tom Sample" in page
    assert "Zoë Fictional" not in page


def test_filter_by_status(client_for, teaching, people):
    Attendance.objects.create(
        session=teaching.now, trainee=people["grace"], status="absent", source="register"
    )
    Attendance.objects.create(
        session=teaching.now, trainee=people["zoe"], status="attended", source="check_in"
    )
    client = client_for("educator")
    absent = page_text(client.get(register_url(teaching.now, show="absent")))
    assert "Grace Placeholder" in absent
    assert "Zoë Fictional" not in absent
    checked_in = page_text(client.get(register_url(teaching.now, show="checked_in")))
    assert "(checked in)" in checked_in
    assert "Zoë Fictional" in checked_in
    assert "Grace Placeholder" not in checked_in
    unmarked = page_text(client.get(register_url(teaching.now, show="unmarked")))
    assert "Priya Example" in unmarked
    assert "Grace Placeholder" not in unmarked
    assert "Not marked yet (5)" in unmarked


def test_filtering_keeps_the_marks_not_saved_yet(client_for, world, teaching, people):
    """Without JavaScript the Filter button posts the form; the marks travel with it, hidden when their rows
    are, and are saved with the rest."""
    client = client_for("educator")
    url = register_url(teaching.now)
    marks = {f"trainee_{people['priya'].pk}": "attended", f"trainee_{people['tom'].pk}": "absent"}
    response = client.post(url, {**marks, "q": "tom", "action": "filter"})
    assert response.status_code == 200
    assert not Attendance.objects.exists()
    html = squeezed(response.content.decode())
    assert f'name="trainee_{people["priya"].pk}" value="attended"' in html  # hidden, carried
    tom = f"trainee_{people['tom'].pk}"
    assert f'id="id_{tom}-absent" name="{tom}" type="radio" value="absent" checked' in html
    assert "2 changes not saved yet" in page_text(response)

    response = client.post(url, {**marks, "q": "tom", "action": "save"})
    assert response.status_code == 302
    assert response["Location"] == register_url(teaching.now, q="tom")
    assert statuses(teaching.now) == {
        "priya.example@example.org": "attended",
        "tom.sample@example.org": "absent",
    }


def test_a_register_longer_than_a_page_lists_the_first_and_the_search_finds_the_rest(
    client_for, world, teaching, people, monkeypatch
):
    """A national session's register holds every HEFT trainee in England: the page lists the first
    MOST_ROWS, says how many more there are, and keeps the unsaved marks of those it does not list."""
    monkeypatch.setattr(registers, "MOST_ROWS", 2)
    client = client_for("national_admin")
    url = register_url(teaching.now)
    on_register = list(trainees_for_session(teaching.now))
    page = page_text(client.get(url))
    assert f"Showing 2 of {len(on_register)} trainees" in page
    more = len(on_register) - 2
    assert f"{more} more trainees on the register are not listed here: search by name or email" in page
    last = on_register[-1]
    assert last.full_name not in page
    field = f"trainee_{last.pk}"
    response = client.post(url, {field: "apologies", "action": "filter"})
    assert f'name="{field}" value="apologies"' in squeezed(response.content.decode())  # hidden, carried
    assert last.full_name in page_text(client.get(register_url(teaching.now, q=last.email)))


def test_htmx_gets_the_rows_alone_with_the_count(client_for, teaching, people):
    response = client_for("educator").post(
        register_url(teaching.now), {"q": "grace", "action": "filter"}, headers={"HX-Request": "true"}
    )
    html = squeezed(response.content.decode())
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="register-rows">')
    assert "Grace Placeholder" in html
    assert 'id="register-count" hx-swap-oob="innerHTML">Showing 1 of 7 trainees.' in html


def test_the_page_marks_its_htmx_and_keeps_enter_harmless(client_for, teaching, people):
    html = squeezed(client_for("educator").get(register_url(teaching.now)).content.decode())
    form = html[html.index('id="register-form"') :]
    buttons = [chunk.split(">")[0] for chunk in form.split("<button")[1:]]
    assert 'value="filter"' in buttons[0]
    assert 'value="save"' in buttons[1]  # Enter filters, never saves
    assert 'hx-post="' in form
    assert 'hx-vals=\'{"action": "filter"}\'' in form


# --- the online meeting's attendance report ----------------------------------------------------------------


def upload(client, session, data: bytes, name="meetingAttendanceReport.csv"):
    return client.post(import_url(session), {"report": SimpleUploadedFile(name, data, "text/csv")})


def teams_sample() -> bytes:
    """The sample as Teams writes it: UTF-16 with a byte-order mark, tab separated."""
    return codecs.BOM_UTF16_LE + SAMPLE.read_text(encoding="utf-8").encode("utf-16-le")


def preview_fields(response) -> dict:
    """The confirmation form's values as the preview leaves them (ticked boxes, selected options)."""
    import re

    html = squeezed(response.content.decode())
    form = html[html.index('value="confirm"') :]
    fields = {"action": "confirm", "report": re.search(r'name="report" value="([^"]*)"', form).group(1)}
    fields["attend"] = re.findall(r'name="attend" type="checkbox" value="(\d+)"[^>]*checked', form)
    for name, body in re.findall(r'<select[^>]*name="(trainee_\d+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        fields[name] = chosen.group(1) if chosen else ""
    return fields


def test_the_preview_matches_by_email_and_changes_nothing(client_for, world, teaching, people):
    response = upload(client_for("educator"), teaching.now, teams_sample())
    assert response.status_code == 200
    page = page_text(response)
    assert (
        "HEFT national session: Inclusion Health, started 3/11/27, 1:55:02 PM: 7 people in the report" in page
    )
    assert "4 matched a trainee on the register by email; 3 did not" in page
    for name, minutes in (("Priya Example", "1 h 59 min"), ("Tom Sample", "1 h 57 min"), ("Grace", "12 min")):
        assert name in page
        assert minutes in page
    assert "Who is Olu Invented?" in page
    assert "Who is Sam Example (Guest)?" in page
    assert "Who is Example Educator?" in page  # the organiser is on no register
    assert "No email address in the report" in page
    assert "not matched by email (3)" in page  # trainee A, A2 and Olu, who joined from another address
    assert "Mark absent the 3 not marked yet, unless chosen above" in page
    assert not Attendance.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="attendance")


def test_an_unmatched_trainee_is_suggested_by_name(client_for, teaching, people):
    fields = preview_fields(upload(client_for("educator"), teaching.now, teams_sample()))
    suggested = [name for name, value in fields.items() if name.startswith("trainee_") and value]
    assert [fields[name] for name in suggested] == [str(people["olu"].pk)]


def test_confirming_records_attendance_with_an_audit_trail(client_for, world, teaching, people):
    client = client_for("educator")
    fields = preview_fields(upload(client, teaching.now, teams_sample()))
    grace_row = next(i for i in fields["attend"] if i == "3")  # Grace was there 12 minutes: untick her
    fields["attend"] = [i for i in fields["attend"] if i != grace_row]
    fields["absent_rest"] = "on"
    response = client.post(import_url(teaching.now), fields)
    assert response.status_code == 302, page_text(response)
    assert statuses(teaching.now) == {
        "priya.example@example.org": "attended",
        "tom.sample@example.org": "attended",
        "zoe.fictional@example.org": "attended",
        "olu.invented@example.org": "attended",  # chosen for "Olu Invented" (suggested by name)
        world.trainee_a.email: "absent",
        world.trainee_a2.email: "absent",
    }  # Grace, unticked, is left unmarked
    assert set(Attendance.objects.values_list("source", flat=True)) == {"meeting"}
    assert AuditEvent.objects.filter(verb="attendance.recorded").count() == 6
    summary = AuditEvent.objects.get(verb="register.imported")
    assert summary.after == {
        "meeting": "HEFT national session: Inclusion Health",
        "participants": 7,
        "matched": 4,
        "chosen": 1,
        "ignored": 2,
        "attended": 4,
        "absent": 2,
        "changed": 6,
    }
    page = page_text(client.get(register_url(teaching.now)))
    assert "Attendance from the meeting's report recorded: 6 changes." in page


def test_a_utf8_comma_separated_report_imports_the_same(client_for, teaching, people):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    for row in csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8")), delimiter="\t"):
        writer.writerow(row)
    response = upload(client_for("educator"), teaching.now, codecs.BOM_UTF8 + out.getvalue().encode())
    assert "4 matched a trainee on the register by email" in page_text(response)


def test_choosing_the_same_trainee_twice_is_refused(client_for, teaching, people):
    client = client_for("educator")
    fields = preview_fields(upload(client, teaching.now, teams_sample()))
    for name in [n for n in fields if n.startswith("trainee_")]:
        fields[name] = str(people["olu"].pk)
    response = client.post(import_url(teaching.now), fields)
    assert response.status_code == 400
    assert "The same trainee is chosen for two people" in page_text(response)
    assert not Attendance.objects.exists()


def test_a_trainee_off_the_register_cannot_be_chosen(client_for, world, teaching, people):
    client = client_for("educator")
    fields = preview_fields(upload(client, teaching.now, teams_sample()))
    unmatched = next(n for n in fields if n.startswith("trainee_") and not fields[n])
    fields[unmatched] = str(world.trainee_b.pk)  # region B: not on this educator's register
    response = client.post(import_url(teaching.now), fields)
    assert response.status_code == 400
    assert "Select a valid choice" in page_text(response)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "The submitted file is empty"),
        (b"%PDF-1.7 not a report", "No table of participants"),
        ("Name\tRole\nPriya Example\tAttendee\n".encode("utf-16"), "No table of participants"),
    ],
)
def test_a_file_that_is_not_a_report_is_refused(client_for, teaching, people, data, message):
    response = upload(client_for("educator"), teaching.now, data)
    assert response.status_code == 400
    assert message in page_text(response)


def test_a_tampered_report_is_asked_for_again(client_for, teaching, people):
    response = client_for("educator").post(import_url(teaching.now), {"action": "confirm", "report": "%%%"})
    assert response.status_code == 400
    assert "upload it again" in page_text(response)
    assert not Attendance.objects.exists()


def test_the_import_is_for_those_who_run_the_session(client_for, world, teaching):
    assert client_for("trainee").get(import_url(teaching.now)).status_code == 403
    assert client_for("educator").get(import_url(teaching.regional_b)).status_code == 404
