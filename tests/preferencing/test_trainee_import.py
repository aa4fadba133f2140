"""The recruitment export upload: every kind of bad file and row, all errors at once, all or nothing."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from heft.accounts.models import Invitation, Role, RoleAssignment, User
from heft.audit.models import AuditEvent
from heft.preferencing import trainee_import
from heft.preferencing.trainee_import import FILE_ROW, ImportRejected, trainees_import
from heft.trainees.models import ProgrammeMembership, Trainee
from tests import factories as f
from tests.pages import page_text

HEADER = [
    "GMC number",
    "Forenames",
    "Surname",
    "Email",
    "Scheme",
    "Intake",
    "National rank",
    "Score",
    "HEFT interest",
]


def person(n: int, **changes) -> dict:
    values = {
        "GMC number": str(9500000 + n),
        "Forenames": "Ada",
        "Surname": f"Testperson{n}",
        "Email": f"import{n}@example.org",
        "Scheme": "scheme-a",
        "Intake": "2026-08",
        "National rank": str(100 + n),
        "Score": "512.5",
        "HEFT interest": "yes",
    }
    return {**values, **changes}


def csv_bytes(people: list[dict], header=HEADER, encoding="utf-8", delimiter=",") -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(str(p.get(h, "")) for h in header) for p in people]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(header: list, rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in [header, *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(world, data: bytes, filename="export.csv", allowed=None):
    return trainees_import(
        data=data, filename=filename, by=world.user("national_admin"), allowed_scheme_ids=allowed
    )


def rejected(world, data: bytes, filename="export.csv", allowed=None) -> list:
    trainees, events = Trainee.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ImportRejected) as caught:
        run(world, data, filename, allowed)
    assert (Trainee.objects.count(), AuditEvent.objects.count()) == (trainees, events), "nothing is written"
    return caught.value.errors


def where(errors) -> set[tuple]:
    return {(e.row, e.column) for e in errors}


# --- a good file --------------------------------------------------------------------------------------------


def test_csv_creates_trainees_memberships_and_sign_ins_with_audit(world):
    summary = run(world, csv_bytes([person(1), person(2, **{"HEFT interest": "No"})]))
    assert (summary.trainees.created, summary.memberships.created, summary.sign_ins_created) == (2, 2, 2)
    assert str(summary) == (
        "2 rows read. Trainees: 2 new, 0 updated, 0 unchanged. "
        "Programme memberships: 2 new, 0 updated, 0 unchanged. Sign-ins created: 2. Invitations sent: 2."
    )
    trainee = Trainee.objects.get(gmc_number="9500001")
    assert (trainee.forenames, trainee.surname, trainee.email) == (
        "Ada",
        "Testperson1",
        "import1@example.org",
    )
    membership = trainee.memberships.get()
    assert membership.scheme == world.scheme_a
    assert membership.start_date == datetime.date(2026, 8, 5)  # the first Wednesday of August
    assert (membership.national_rank, membership.recruitment_score) == (101, Decimal("512.50"))
    assert membership.heft_mode == ProgrammeMembership.HeftMode.ROTATION
    assert Trainee.objects.get(gmc_number="9500002").memberships.get().heft_mode == "none"
    user = trainee.user
    assert user.email == "import1@example.org"
    assert not user.has_usable_password()
    assert RoleAssignment.objects.filter(user=user, role=Role.TRAINEE).exists()
    events = AuditEvent.objects.filter(actor=world.user("national_admin"))
    assert sorted(events.values_list("verb", flat=True)) == sorted(
        ["trainee.imported", "membership.imported", "user.created", "invitation.sent"] * 2
    )
    assert events.get(verb="trainee.imported", target_id=str(trainee.pk)).after["gmc_number"] == "9500001"


def test_xlsx_with_number_and_date_cells(world):
    header = [
        "GMC No",
        "Surname",
        "Forenames",
        "E-mail",
        "Training scheme",
        "Intake",
        "Rank",
        "Score",
        "HEFT",
    ]
    row = [
        9500003.0,
        "Testperson3",
        "Zoë",
        "Import3@Example.org",
        "Scheme A",
        datetime.datetime(2026, 8, 1),
        7,
        498.25,
        True,
    ]
    summary = run(world, xlsx_bytes(header, [row]), filename="export.xlsx")
    assert summary.trainees.created == 1
    trainee = Trainee.objects.get(gmc_number="9500003")
    assert (trainee.forenames, trainee.email) == ("Zoë", "import3@example.org")
    membership = trainee.memberships.get()
    assert (membership.intake, membership.national_rank) == ("2026-08", 7)
    assert membership.recruitment_score == Decimal("498.25")


def test_one_name_column_start_dates_and_semicolons(world):
    header = [
        "GMC number",
        "Name",
        "Email",
        "Scheme",
        "Intake",
        "National rank",
        "Score",
        "HEFT interest",
        "Start date",
    ]
    people = [
        person(1, Name="Testperson-Smith, Mary Ann", **{"Start date": "02/09/2026"}),
        person(2, Name="Bo Testperson"),
    ]
    run(world, csv_bytes(people, header=header, delimiter=";"))
    first = Trainee.objects.get(gmc_number="9500001")
    assert (first.forenames, first.surname) == ("Mary Ann", "Testperson-Smith")
    assert first.memberships.get().start_date == datetime.date(2026, 9, 2)
    assert Trainee.objects.filter(forenames="Bo", surname="Testperson").exists()


def test_a_utf8_bom_is_fine(world):
    run(world, csv_bytes([person(1, Forenames="Zoë")], encoding="utf-8-sig"))
    assert Trainee.objects.get(gmc_number="9500001").forenames == "Zoë"


def test_the_type_is_told_by_content_not_name(world):
    data = xlsx_bytes(HEADER, [list(person(1).values())])
    run(world, data, filename="export.csv")
    assert Trainee.objects.filter(gmc_number="9500001").exists()


# --- re-importing -------------------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(world):
    data = csv_bytes([person(1), person(2)])
    run(world, data)
    events = AuditEvent.objects.count()
    summary = run(world, data)
    assert (summary.trainees.unchanged, summary.memberships.unchanged) == (2, 2)
    assert (summary.trainees.created, summary.trainees.updated, summary.memberships.updated) == (0, 0, 0)
    assert summary.changes == []
    assert summary.sign_ins_created == 0
    assert "Nothing changed" in str(summary)
    assert AuditEvent.objects.count() == events
    assert User.objects.filter(email__startswith="import").count() == 2


def test_reimporting_changes_what_changed_and_audits_before_and_after(world):
    run(world, csv_bytes([person(1), person(2)]))
    summary = run(world, csv_bytes([person(1, Surname="Renamed", **{"National rank": "5"}), person(2)]))
    assert (summary.trainees.updated, summary.memberships.updated, summary.trainees.unchanged) == (1, 1, 1)
    assert [(c.row, c.record, c.action) for c in summary.changes] == [
        (2, "trainee", "updated"),
        (2, "programme membership", "updated"),
    ]
    assert summary.changes[0].fields == {"surname": ("Testperson1", "Renamed")}
    assert str(summary.changes[1]) == (
        "Row 2: programme membership Ada Renamed (GMC 9500001): Scheme A 2026-08 updated: "
        "national rank 101 → 5"
    )
    event = AuditEvent.objects.get(verb="membership.updated_by_import")
    assert (event.before, event.after) == ({"national_rank": 101}, {"national_rank": 5})


@pytest.mark.parametrize(
    ("held", "interest", "after"),
    [
        ("enrolment_only", "yes", "enrolment_only"),
        ("rotation", "no", "rotation"),
        ("none", "yes", "rotation"),
        ("none", "no", "none"),
    ],
)
def test_heft_mode_is_never_downgraded(world, held, interest, after):
    run(world, csv_bytes([person(1)]))
    ProgrammeMembership.objects.update(heft_mode=held)
    run(world, csv_bytes([person(1, **{"HEFT interest": interest})]))
    assert ProgrammeMembership.objects.get(trainee__gmc_number="9500001").heft_mode == after


def test_an_existing_trainee_without_a_sign_in_gets_one(world):
    trainee = world.trainee_a2
    row = person(1, **{"GMC number": trainee.gmc_number, "Email": trainee.email.upper()})
    row.update(Forenames=trainee.forenames, Surname=trainee.surname)
    summary = run(world, csv_bytes([row]))
    trainee.refresh_from_db()
    assert trainee.user.email == trainee.email.lower()
    assert (summary.trainees.updated, summary.sign_ins_created, summary.memberships.updated) == (1, 1, 1)


def test_an_existing_account_is_linked_and_given_the_trainee_role(world):
    user = f.UserFactory(email="import1@example.org")
    summary = run(world, csv_bytes([person(1)]))
    assert summary.sign_ins_created == 0
    assert Trainee.objects.get(gmc_number="9500001").user == user
    role = RoleAssignment.objects.get(user=user, role=Role.TRAINEE)
    assert AuditEvent.objects.filter(verb="role.granted", target_id=str(role.pk)).exists()


# --- invitations to set a password ------------------------------------------------------------------------


def test_each_new_trainee_is_emailed_an_invitation_once(world, django_capture_on_commit_callbacks):
    data = csv_bytes([person(1), person(2)])
    with django_capture_on_commit_callbacks(execute=True):
        summary = run(world, data)
    assert summary.invitations_sent == 2
    assert [(c.row, c.record, c.action, c.label) for c in summary.changes if c.record == "invitation"] == [
        (2, "invitation", "sent", "import1@example.org"),
        (3, "invitation", "sent", "import2@example.org"),
    ]
    invitations = Invitation.objects.order_by("user__email")
    assert [(i.user.email, i.role, i.scheme) for i in invitations] == [
        ("import1@example.org", Role.TRAINEE, world.scheme_a),
        ("import2@example.org", Role.TRAINEE, world.scheme_a),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["import1@example.org", "import2@example.org"]
    assert all(m.subject == "Set up your HEFT Hub sign-in" for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = run(world, data)
    assert again.invitations_sent == 0, "importing the same file sends none"
    assert len(mail.outbox) == 2, "importing the same file sends none"
    assert Invitation.objects.count() == 2


def test_no_invitation_for_a_sign_in_already_used_or_a_trainee_once_invited(world):
    f.UserFactory(email="import1@example.org")  # has a password: signs in already
    run(world, csv_bytes([person(2)]))
    Invitation.objects.update(revoked_at=timezone.now())  # revoked: an import does not undo that
    summary = run(world, csv_bytes([person(1), person(2)]))
    assert summary.invitations_sent == 0
    assert Invitation.objects.count() == 1


def test_an_existing_trainee_given_a_sign_in_by_the_import_is_invited(world):
    trainee = world.trainee_a2
    row = person(1, **{"GMC number": trainee.gmc_number, "Email": trainee.email})
    row.update(Forenames=trainee.forenames, Surname=trainee.surname)
    summary = run(world, csv_bytes([row]))
    assert summary.invitations_sent == 1
    assert Invitation.objects.get().user == Trainee.objects.get(pk=trainee.pk).user


def test_a_refused_file_invites_nobody(world):
    rejected(world, csv_bytes([person(1), person(2, Email="not an address")]))
    assert not Invitation.objects.exists()


def test_the_import_page_says_how_many_were_invited(world, client_for):
    response = client_for("regional_lead").post(
        reverse("preferencing:trainee_import"),
        {"file": SimpleUploadedFile("export.csv", csv_bytes([person(1), person(2), person(3)]))},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Invitations sent: 3." in page
    assert "3 trainees were emailed an invitation to set a password." in page


# --- bad files ----------------------------------------------------------------------------------------------


def test_latin1_is_refused_not_guessed(world):
    data = csv_bytes([person(1), person(2, Forenames="Renée")], encoding="latin-1")
    [error] = rejected(world, data)
    assert error.row == 3
    assert "UTF-8" in error.message


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (b"", "export.csv", "empty"),
        (b"  \r\n", "export.csv", "empty"),
        (("\r\n".join([",".join(HEADER), ",,,"]) + "\r\n").encode(), "export.csv", "no trainees"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", "export.pdf", "not a CSV file or an Excel workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "export.csv", "not a CSV file or an Excel workbook"),
        (b"PK\x03\x04 not really a workbook", "export.xlsx", "not a CSV file or an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old", "export.xls", "old Excel (.xls)"),
        (b"\n\nGMC number", "export.csv", "Row 1 is empty"),
    ],
)
def test_unreadable_files_are_refused(world, data, filename, words):
    [error] = rejected(world, data, filename)
    assert words in error.message


def test_utf16_from_excel_unicode_text_is_refused(world):
    [error] = rejected(world, csv_bytes([person(1)], encoding="utf-16", delimiter="\t"))
    assert "UTF-8" in error.message


def test_a_workbook_whose_first_row_is_blank_is_refused(world):
    [error] = rejected(world, xlsx_bytes([None], [HEADER, list(person(1).values())]), "export.xlsx")
    assert (error.row, error.message) == (1, "Row 1 is empty: it must hold the column headings.")


def test_too_many_rows_are_refused(world, monkeypatch):
    monkeypatch.setattr(trainee_import, "MAX_ROWS", 2)
    [error] = rejected(world, csv_bytes([person(1), person(2), person(3)]))
    assert "more than 2 rows" in error.message


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(world):
    data = csv_bytes([person(1), {}, person(3, Email="nope")])
    [error] = rejected(world, data)
    assert (error.row, error.column) == (4, "Email")


def test_a_zip_that_is_not_a_workbook_is_refused(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    [error] = rejected(world, buffer.getvalue(), "letter.docx")
    assert "not a CSV file or an Excel workbook" in error.message


def test_missing_headings_are_named(world):
    header = ["GMC number", "Surname", "Scheme", "Intake", "National rank", "HEFT interest", "Notes"]
    errors = rejected(world, csv_bytes([person(1)], header=header))
    assert where(errors) == {(1, "Email"), (1, "Score"), (1, "Forenames")}
    assert all(e.message.startswith("There is no") for e in errors)


def test_a_heading_given_twice_is_refused(world):
    errors = rejected(world, csv_bytes([person(1)], header=[*HEADER, "E-mail"]))
    assert where(errors) == {(1, "E-mail")}


# --- bad rows -----------------------------------------------------------------------------------------------


def test_every_bad_cell_is_reported_at_once_with_row_and_column(world):
    people = [
        person(1, **{"GMC number": "123456"}),
        person(2, Email="not-an-email"),
        person(3, **{"National rank": "0"}),
        person(4, **{"National rank": "twelve"}),
        person(5, Score="high"),
        person(6, **{"HEFT interest": "maybe"}),
        person(7, Scheme="atlantis"),
        person(8, Intake="August 2026"),
        person(9, Surname=""),
        person(10, **{"National rank": "2.5", "Score": "-1"}),
        person(11),  # fine
    ]
    errors = rejected(world, csv_bytes(people))
    assert where(errors) == {
        (2, "GMC number"),
        (3, "Email"),
        (4, "National rank"),
        (5, "National rank"),
        (6, "Score"),
        (7, "HEFT interest"),
        (8, "Scheme"),
        (9, "Intake"),
        (10, "Surname"),
        (11, "National rank"),
        (11, "Score"),
    }
    messages = {(e.row, e.column): e.message for e in errors}
    assert "7 digits" in messages[(2, "GMC number")]
    assert '"atlantis"' in messages[(8, "Scheme")]
    assert "2026-08" in messages[(9, "Intake")]
    assert str(errors[0]).startswith("Row 2, GMC number:")


def test_duplicates_within_the_file_name_the_first_row(world):
    people = [
        person(1),
        person(2, **{"GMC number": "9500001"}),
        person(3, Email="IMPORT1@example.org"),
        person(4, **{"National rank": "101"}),
        person(5, **{"National rank": "101", "Scheme": "scheme-b"}),  # another scheme: fine
    ]
    errors = rejected(world, csv_bytes(people))
    assert where(errors) == {(3, "GMC number"), (4, "Email"), (5, "National rank")}
    assert all("also on row 2" in e.message for e in errors)


def test_gmc_number_and_email_must_match_the_trainee_on_record(world):
    existing = world.trainee_b
    people = [
        person(1, **{"GMC number": existing.gmc_number, "Scheme": "scheme-b"}),
        person(2, Email=existing.email, Scheme="scheme-b"),
    ]
    errors = rejected(world, csv_bytes(people))
    assert where(errors) == {(2, "Email"), (3, "GMC number")}


def test_a_trainee_in_another_scheme_for_the_intake_is_refused(world):
    existing = world.trainee_b
    row = person(1, **{"GMC number": existing.gmc_number, "Email": existing.email})
    [error] = rejected(world, csv_bytes([row]))
    assert (error.column, error.message) == (
        "Scheme",
        "This trainee is already in Scheme B for the 2026-08 intake.",
    )


def test_a_rank_held_by_someone_not_in_the_file_is_refused(world):
    ProgrammeMembership.objects.filter(trainee=world.trainee_a).update(national_rank=101)
    [error] = rejected(world, csv_bytes([person(1)]))
    assert (error.row, error.column) == (2, "National rank")


def test_ranks_can_be_swapped_between_trainees_in_the_file(world):
    run(world, csv_bytes([person(1), person(2)]))
    run(world, csv_bytes([person(1, **{"National rank": "102"}), person(2, **{"National rank": "101"})]))
    ranks = dict(ProgrammeMembership.objects.values_list("trainee__gmc_number", "national_rank"))
    assert (ranks["9500001"], ranks["9500002"]) == (102, 101)


def test_schemes_outside_the_importers_scope_are_refused(world):
    people = [person(1), person(2, Scheme="scheme-b")]
    [error] = rejected(world, csv_bytes(people), allowed={world.scheme_a.pk})
    assert (error.row, error.column, error.message) == (
        3,
        "Scheme",
        "You cannot import trainees into Scheme B.",
    )
    assert run(world, csv_bytes([person(1)]), allowed={world.scheme_a.pk}).trainees.created == 1


# --- rows for schemes the importer does not manage ----------------------------------------------------------


def national_export() -> bytes:
    """Rows 2 and 4 are scheme A's, rows 3 and 5 scheme B's (row 5's email is bad: not A's to correct)."""
    people = [person(1), person(2, Scheme="scheme-b"), person(3), person(4, Scheme="Scheme B", Email="x")]
    return csv_bytes(people)


def imported_trainees() -> set[str]:
    return set(Trainee.objects.filter(gmc_number__startswith="95").values_list("gmc_number", flat=True))


def test_rows_for_other_schemes_are_listed_and_nothing_is_written_until_agreed(world):
    events = AuditEvent.objects.count()
    with pytest.raises(trainee_import.OtherSchemesInFile) as caught:
        run(world, national_export(), allowed={world.scheme_a.pk})
    found = caught.value
    assert [(s.row, s.scheme, s.reason) for s in found.skipped] == [
        (3, "Scheme B", "Not one of the schemes you manage"),
        (5, "Scheme B", "Not one of the schemes you manage"),
    ]
    assert found.rows_to_import == 2
    assert not imported_trainees()
    assert AuditEvent.objects.count() == events


def test_agreeing_to_leave_them_out_imports_the_rest_with_audit(world):
    summary = trainees_import(
        data=national_export(),
        filename="export.csv",
        by=world.user("regional_lead"),
        allowed_scheme_ids={world.scheme_a.pk},
        agreed_skips=[3, 5],
    )
    assert imported_trainees() == {"9500001", "9500003"}
    assert [s.row for s in summary.skipped] == [3, 5]
    assert "4 rows read, 2 of them for other schemes and left out. Trainees: 2 new" in str(summary)
    imported = AuditEvent.objects.filter(verb="membership.imported")
    assert imported.count() == 2
    assert {e.actor_id for e in imported} == {world.user("regional_lead").pk}


def test_agreement_to_other_rows_is_asked_again(world):
    with pytest.raises(trainee_import.OtherSchemesInFile):
        trainees_import(
            data=national_export(),
            filename="export.csv",
            by=world.user("national_admin"),
            allowed_scheme_ids={world.scheme_a.pk},
            agreed_skips=[3],  # row 5 was not agreed to
        )
    assert not imported_trainees()


def test_other_problems_still_refuse_the_whole_file_listing_each(world):
    people = [person(1, Email="not an address"), person(2, Scheme="scheme-b"), person(3, Score="lots")]
    errors = rejected(world, csv_bytes(people), allowed={world.scheme_a.pk})
    assert where(errors) == {(2, "Email"), (4, "Score")}


def test_a_file_with_no_rows_for_the_importers_schemes_is_refused(world):
    [error] = rejected(world, csv_bytes([person(1, Scheme="scheme-b")]), allowed={world.scheme_a.pk})
    assert "Every row is for a scheme you do not manage" in error.message


def test_the_page_previews_the_rows_left_out_and_imports_the_rest_on_confirming(world, client_for):
    lead = client_for("scheme_admin")
    url = reverse("preferencing:trainee_import")
    preview = lead.post(url, {"file": SimpleUploadedFile("export.csv", national_export())})
    assert preview.status_code == 200
    page = page_text(preview)
    assert "export.csv has 2 rows for schemes you do not manage. They will be left out." in page
    assert re.search(r"Row </span>3</td>\s*<td[^>]*><span[^>]*>Scheme </span>Scheme B</td>", page)
    assert "Import the 2 rows for your schemes" in page
    assert not imported_trainees()

    token = re.search(r'name="upload" value="([^"]+)"', page).group(1)
    done = lead.post(url, {"upload": token})
    assert done.status_code == 200
    assert "Left out, for schemes you do not manage: rows 3, 5." in page_text(done)
    assert imported_trainees() == {"9500001", "9500003"}
    again = lead.post(url, {"upload": token})  # the same confirmation twice imports once
    assert again.status_code == 400
    assert "no longer waiting to be imported" in page_text(again)


def test_leaving_the_preview_imports_nothing(world, client_for):
    lead = client_for("scheme_admin")
    url = reverse("preferencing:trainee_import")
    page = page_text(lead.post(url, {"file": SimpleUploadedFile("export.csv", national_export())}))
    token = re.search(r'name="upload" value="([^"]+)"', page).group(1)
    assert lead.get(url).status_code == 200  # Cancel
    response = lead.post(url, {"upload": token})
    assert response.status_code == 400
    assert not imported_trainees()


def test_file_level_errors_use_row_zero(world):
    [error] = rejected(world, b"")
    assert (error.row, error.column, str(error)) == (FILE_ROW, None, "File: The file is empty.")
