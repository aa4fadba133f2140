"""The bulk upload of posts and rotations: every kind of bad file and row, all errors at once, all or nothing,
the same file twice changing nothing, the scope of the uploader, the page and the templates."""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from heft.audit.models import AuditEvent
from heft.core.tables import FILE_ROW, ImportRejected, RowError
from heft.programmes import services
from heft.programmes.models import Post, PostCategory, Rotation, RotationSlot
from heft.setup import uploads
from heft.setup.uploads import posts_upload, rotations_upload
from tests import factories as f
from tests.pages import page_text

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
POST_HEADER = ["Post number", "Scheme", "Category", "Subtype", "Practice ODS code", "Site", "WTE",
               "Educational supervisor", "Educational supervisor email", "Clinical supervisor",
               "Clinical supervisor email", "Notes"]  # fmt: skip
ROTATION_HEADER = ["Rotation code", "Rotation name", "Scheme", "Intake", "Places", "Training year",
                   "Start month", "Months", "Post number", "Description"]  # fmt: skip


def post(n: int, **changes) -> dict:
    """An inclusion health post of scheme A at a site."""
    values = {
        "Post number": f"TEST/UP/{n:03d}",
        "Scheme": "scheme-a",
        "Category": "Inclusion health",
        "Subtype": "Homelessness",
        "Site": "Fictional Outreach Service",
        "WTE": "1",
        "Educational supervisor": "Dr Ada Testperson",
        "Educational supervisor email": "ada.testperson@example.org",
    }
    return {**values, **changes}


def gp_post(n: int, practice, **changes) -> dict:
    values = {"Post number": f"TEST/GP/{n:03d}", "Scheme": "scheme-a", "Category": "gp-practice"}
    return {**values, "Practice ODS code": practice.ods_code, **changes}


def slot(code: str, year: str, start: int, months: int, post_number: str, **changes) -> dict:
    values = {
        "Rotation code": code,
        "Rotation name": f"Rotation {code}",
        "Scheme": "scheme-a",
        "Intake": "2027-08",
        "Places": "2",
        "Training year": year,
        "Start month": str(start),
        "Months": str(months),
        "Post number": post_number,
    }
    return {**values, **changes}


def csv_bytes(rows: list[dict], header: list[str], encoding="utf-8", delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([header, *([r.get(h, "") for h in header] for r in rows)])
    return buffer.getvalue().encode(encoding)


def posts_csv(rows: list[dict], header=POST_HEADER, **options) -> bytes:
    return csv_bytes(rows, header, **options)


def rotations_csv(rows: list[dict], header=ROTATION_HEADER, **options) -> bytes:
    return csv_bytes(rows, header, **options)


def xlsx_bytes(header: list, rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in [header, *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Post, Rotation, RotationSlot, AuditEvent))


def rejected(upload, data: bytes, by, filename="upload.csv") -> list:
    """The errors of a refused file, having checked that nothing was written."""
    before = counts()
    with pytest.raises(ImportRejected) as caught:
        upload(data=data, filename=filename, by=by)
    assert counts() == before, "nothing is written"
    return caught.value.errors


def where(errors) -> set[tuple]:
    return {(e.row, e.column) for e in errors}


def messages(errors) -> dict[tuple, str]:
    return {(e.row, e.column): e.message for e in errors}


@pytest.fixture
def admin(world):
    return world.user("national_admin")


@pytest.fixture
def held(world):
    """Posts of scheme A already held (a GP post at the world's practice, an inclusion health post, two
    half-time posts) and one of scheme B."""
    gp = PostCategory.objects.get(code="gp-practice")
    psychiatry = PostCategory.objects.get(code="psychiatry")
    scheme_a = world.scheme_a

    def held_post(number: str, **values):
        return f.PostFactory(post_number=number, scheme=values.pop("scheme", scheme_a), **values)

    return {
        "gp": held_post("HELD/GP/1", category=gp, practice=world.practice, site=""),
        "ih": held_post("HELD/IH/1"),
        "half1": held_post("HELD/PSY/1", category=psychiatry, wte=Decimal("0.5")),
        "half2": held_post("HELD/PSY/2", category=psychiatry, wte=Decimal("0.5")),
        "b": held_post("HELD/B/1", scheme=world.scheme_b),
    }


# --- posts: a good file -------------------------------------------------------------------------------------


def test_a_posts_csv_creates_posts_through_the_service_with_audit(world, admin):
    rows = [post(1), gp_post(2, world.practice, WTE="0.5", Notes="Tuesdays at the branch surgery.")]
    summary = posts_upload(data=posts_csv(rows), filename="posts.csv", by=admin)
    assert (len(summary.created), len(summary.updated), summary.unchanged) == (2, 0, 0)
    assert str(summary) == "2 rows read. Posts: 2 new, 0 updated, 0 unchanged."
    ih = Post.objects.get(post_number="TEST/UP/001")
    assert (ih.scheme, ih.category.code, ih.subtype.name, ih.site) == (
        world.scheme_a,
        "inclusion-health",
        "Homelessness",
        "Fictional Outreach Service",
    )
    assert (ih.wte, ih.practice, ih.educational_supervisor_email) == (1, None, "ada.testperson@example.org")
    gp = Post.objects.get(post_number="TEST/GP/002")
    assert (gp.practice, gp.wte, gp.notes) == (
        world.practice,
        Decimal("0.50"),
        "Tuesdays at the branch surgery.",
    )
    events = AuditEvent.objects.filter(actor=admin, verb="post.created")
    assert sorted(events.values_list("target_id", flat=True)) == sorted([str(ih.pk), str(gp.pk)])
    assert [(c.row, c.label, c.key) for c in summary.created] == [
        (2, "TEST/UP/001 Inclusion health", ih.pk),
        (3, "TEST/GP/002 GP practice", gp.pk),
    ]


def test_an_xlsx_with_number_cells_and_other_headings(world, admin):
    header = ["National post number", "Training scheme", "Post category", "ODS code", "Location", "FTE",
              "Comments"]  # fmt: skip
    rows = [
        [12345, "Scheme A", "Psychiatry", None, "Fictional Liaison Service", 0.5, "Half-time"],
        [12346.0, "SCHEME-A", "GP PRACTICE", world.practice.ods_code.lower(), None, 1, None],
    ]
    summary = posts_upload(data=xlsx_bytes(header, rows), filename="posts.xlsx", by=admin)
    assert len(summary.created) == 2
    first = Post.objects.get(post_number="12345")
    assert (first.category.code, first.wte, first.site, first.notes) == (
        "psychiatry",
        Decimal("0.50"),
        "Fictional Liaison Service",
        "Half-time",
    )
    assert Post.objects.get(post_number="12346").practice == world.practice


def test_a_byte_order_mark_and_semicolons_are_fine(world, admin):
    data = posts_csv([post(1, Site="Fictional Café Outreach")], encoding="utf-8-sig", delimiter=";")
    posts_upload(data=data, filename="posts.csv", by=admin)
    assert Post.objects.get(post_number="TEST/UP/001").site == "Fictional Café Outreach"


def test_the_type_is_told_by_content_not_name(world, admin):
    data = xlsx_bytes(POST_HEADER, [[post(1).get(h) for h in POST_HEADER]])
    posts_upload(data=data, filename="posts.csv", by=admin)
    assert Post.objects.filter(post_number="TEST/UP/001").exists()


# --- posts: uploading again ---------------------------------------------------------------------------------


def test_uploading_the_same_posts_again_changes_nothing(world, admin):
    data = posts_csv([post(1), gp_post(2, world.practice)])
    posts_upload(data=data, filename="posts.csv", by=admin)
    before = counts()
    summary = posts_upload(data=data, filename="posts.csv", by=admin)
    assert (summary.created, summary.updated, summary.unchanged) == ([], [], 2)
    assert str(summary) == "2 rows read. Nothing changed: every post matches the records already held."
    assert counts() == before, "no write and no audit event"


def test_a_changed_row_updates_its_post_and_says_what_changed(world, admin):
    posts_upload(data=posts_csv([post(1), post(2)]), filename="posts.csv", by=admin)
    data = posts_csv([post(1, WTE="0.6", Site="Fictional Night Shelter"), post(2)])
    summary = posts_upload(data=data, filename="posts.csv", by=admin)
    assert (len(summary.created), summary.unchanged) == (0, 1)
    [change] = summary.updated
    assert (change.row, change.fields) == (2, ("site", "WTE"))
    event = AuditEvent.objects.get(verb="post.changed")
    assert (event.before["wte"], event.after["wte"]) == ("1.00", "0.60")
    assert event.after["site"] == "Fictional Night Shelter"


def test_post_numbers_are_matched_in_any_case_and_never_renamed(world, admin, held):
    summary = posts_upload(
        data=posts_csv([post(1, **{"Post number": "held/ih/1"})]), filename="p.csv", by=admin
    )
    assert [c.key for c in summary.updated] == [held["ih"].pk]
    held["ih"].refresh_from_db()
    assert held["ih"].post_number == "HELD/IH/1"
    assert held["ih"].subtype.name == "Homelessness"


def test_a_column_left_out_leaves_its_values_alone(world, admin, held):
    held["ih"].notes = "Kept"
    held["ih"].clinical_supervisor_name = "Dr Kept"
    held["ih"].save()
    header = ["Post number", "Scheme", "Category", "Site"]
    row = {
        "Post number": "HELD/IH/1",
        "Scheme": "scheme-a",
        "Category": "inclusion-health",
        "Site": "New site",
    }
    posts_upload(data=posts_csv([row], header=header), filename="p.csv", by=admin)
    held["ih"].refresh_from_db()
    assert (held["ih"].site, held["ih"].notes, held["ih"].clinical_supervisor_name) == (
        "New site",
        "Kept",
        "Dr Kept",
    )


# --- posts: bad files ---------------------------------------------------------------------------------------


def test_latin1_is_refused_not_guessed(world, admin):
    data = posts_csv([post(1), post(2, Site="Fictional Café")], encoding="latin-1")
    [error] = rejected(posts_upload, data, admin)
    assert error.row == 3
    assert "UTF-8" in error.message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "The file is empty."),
        (b" \r\n", "The file is empty."),
        ((",".join(POST_HEADER) + "\r\n").encode(), "The file has headings but no posts."),
        (b"%PDF-1.7\n binary", "not a CSV file or an Excel workbook"),
        (b"PK\x03\x04 not a workbook", "not a CSV file or an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old", "old Excel (.xls)"),
    ],
)
def test_unreadable_files_are_refused(world, admin, data, words):
    [error] = rejected(posts_upload, data, admin)
    assert words in error.message
    assert error.row == FILE_ROW


def test_utf16_is_refused(world, admin):
    [error] = rejected(posts_upload, posts_csv([post(1)], encoding="utf-16", delimiter="\t"), admin)
    assert "UTF-8" in error.message


def test_the_rotations_file_uploaded_as_posts_is_refused_as_the_other_template(world, admin, held):
    data = rotations_csv([slot("ROT-NEW", "ST1", 1, 6, "HELD/IH/1")])
    [error] = rejected(posts_upload, data, admin)
    assert (error.row, error.column) == (FILE_ROW, None)
    assert error.message == (
        "This file has the headings of the rotations template, not the posts one: upload it as the rotations "
        "file instead."
    )


def test_the_posts_file_uploaded_as_rotations_is_refused_as_the_other_template(world, admin):
    [error] = rejected(rotations_upload, posts_csv([post(1)]), admin)
    assert "headings of the posts template" in error.message
    assert error.row == FILE_ROW


def test_missing_columns_are_named_and_the_rows_still_checked(world, admin):
    header = ["Post number", "Subtype", "WTE"]
    errors = rejected(posts_upload, posts_csv([post(1, WTE="2")], header=header), admin)
    assert where(errors) == {(1, "Scheme"), (1, "Category"), (1, "Site"), (2, "WTE")}
    assert (
        messages(errors)[(1, "Site")]
        == 'There is no "Practice ODS code" or "Site" column: say where the posts are.'
    )


def test_a_heading_given_twice_is_refused(world, admin):
    errors = rejected(
        posts_upload, posts_csv([post(1)], header=[*POST_HEADER, "National post number"]), admin
    )
    assert where(errors) == {(1, "National post number")}


# --- posts: bad rows ----------------------------------------------------------------------------------------


def test_every_bad_cell_is_reported_at_once_with_its_row_and_column(world, admin):
    rows = [
        post(1, **{"Post number": ""}),
        post(2, Scheme="atlantis"),
        post(3, Category="astrology"),
        post(4, Subtype="Fishing"),
        gp_post(5, world.practice, **{"Practice ODS code": ""}),
        post(6, **{"Practice ODS code": world.practice.ods_code}),
        gp_post(7, world.practice, **{"Practice ODS code": "Y00001"}),
        post(8, WTE="1.5"),
        post(9, WTE="0"),
        post(10, **{"Educational supervisor email": "not-an-email"}),
        post(11, **{"Clinical supervisor email": "cs@example.org"}),
        post(12, Site='=HYPERLINK("https://example.org")'),
        post(13, Category="paediatrics", Subtype="Homelessness"),
        post(14, Site=""),
        post(15, WTE="half", **{"Educational supervisor email": "nope"}),
        post(16),  # fine
    ]
    errors = rejected(posts_upload, posts_csv(rows), admin)
    assert where(errors) == {
        (2, "Post number"),
        (3, "Scheme"),
        (4, "Category"),
        (5, "Subtype"),
        (6, "Practice ODS code"),
        (7, "Practice ODS code"),
        (8, "Practice ODS code"),
        (9, "WTE"),
        (10, "WTE"),
        (11, "Educational supervisor email"),
        (12, "Clinical supervisor"),
        (13, "Site"),
        (14, "Subtype"),
        (15, "Site"),
        (16, "WTE"),
        (16, "Educational supervisor email"),
    }
    said = messages(errors)
    assert said[(3, "Scheme")] == 'There is no scheme with the code or name "atlantis".'
    assert said[(5, "Subtype")] == (
        '"Fishing" is not a subtype of Inclusion health. Choose one of: Gypsies and Travellers, '
        "Homelessness, Migrant health, Refugees and asylum seekers, Sex workers."
    )
    assert said[(6, "Practice ODS code")] == "Choose the GP practice: a GP placement is in a practice."
    assert said[(7, "Practice ODS code")] == "Only GP placements are in a practice: give the site instead."
    assert said[(8, "Practice ODS code")] == 'There is no open GP practice with the ODS code "Y00001".'
    assert "more than 0 and at most 1" in said[(9, "WTE")]
    assert "formula" in said[(13, "Site")]
    assert said[(14, "Subtype")] == "Paediatrics has no subtypes: leave this blank."
    assert str(errors[0]) == "Row 2, Post number: This is blank."


def test_duplicate_post_numbers_in_the_file_name_the_first_row(world, admin):
    rows = [
        post(1),
        post(2),
        post(3, **{"Post number": "test/up/001"}),
        post(4, **{"Post number": "TEST/UP/002"}),
    ]
    errors = rejected(posts_upload, posts_csv(rows), admin)
    assert messages(errors) == {
        (4, "Post number"): "test/up/001 is also on row 2.",
        (5, "Post number"): "TEST/UP/002 is also on row 3.",
    }


def test_the_templates_example_rows_are_refused(world, admin):
    rows = [post(1, **{"Post number": "EXAMPLE/GP/001", "Scheme": "nowhere"}), post(2)]
    [error] = rejected(posts_upload, posts_csv(rows), admin)
    assert (error.row, error.column) == (2, "Post number")
    assert error.message.startswith("This is an example row from the template")


def test_a_scheme_outside_the_uploaders_scope_is_refused(world):
    errors = rejected(
        posts_upload, posts_csv([post(1), post(2, Scheme="scheme-b")]), world.user("scheme_admin")
    )
    assert messages(errors) == {
        (3, "Scheme"): "You do not manage Scheme B: upload posts only for your own schemes."
    }


def test_a_post_held_in_another_scheme_cannot_be_taken_over(world, held):
    row = post(1, **{"Post number": "HELD/B/1"})
    [error] = rejected(posts_upload, posts_csv([row]), world.user("regional_lead"))
    assert (error.row, error.column) == (2, "Post number")
    assert error.message == "HELD/B/1 is a post of Scheme B, which you do not manage."


@pytest.mark.parametrize("role", ["educator", "mentor", "trainee"])
def test_roles_without_manage_programmes_can_write_to_no_scheme(world, role):
    [error] = rejected(posts_upload, posts_csv([post(1)]), world.user(role))
    assert error.column == "Scheme"
    assert "You do not manage Scheme A" in error.message


def test_the_services_refusals_are_collected_row_by_row_and_nothing_is_kept(world, admin, monkeypatch):
    real = services.post_save

    def refusing(*, post=None, values, by):
        if values.get("post_number") in {"TEST/UP/002", "TEST/UP/004"}:
            raise ValidationError({"site": "Refused by the service.", "__all__": "And the whole post."})
        return real(post=post, values=values, by=by)

    monkeypatch.setattr(uploads, "post_save", refusing)
    errors = rejected(posts_upload, posts_csv([post(n) for n in range(1, 6)]), admin)
    assert [(e.row, e.column, e.message) for e in errors] == [
        (3, "Site", "Refused by the service."),
        (3, None, "And the whole post."),
        (5, "Site", "Refused by the service."),
        (5, None, "And the whole post."),
    ]


# --- rotations: a good file ---------------------------------------------------------------------------------


def test_a_rotations_csv_makes_one_rotation_per_code_with_slots_in_file_order(world, admin, held):
    rows = [
        slot("ROT-UP-1", "ST1", 1, 12, "HELD/GP/1", Description="Deep End general practice."),
        slot("ROT-UP-2", "ST1", 1, 6, "HELD/IH/1", **{"Places": "1"}),
        slot("ROT-UP-1", "ST2", 13, 12, "HELD/PSY/1", **{"Rotation name": "", "Scheme": "", "Places": ""}),
        slot("ROT-UP-1", "ST2", 13, 12, "held/psy/2", Intake=""),
        slot("ROT-UP-1", "ST3", 25, 12, "HELD/GP/1"),
    ]
    summary = rotations_upload(data=rotations_csv(rows), filename="rotations.csv", by=admin)
    assert str(summary) == "5 rows read. Rotations: 2 new, 0 updated, 0 unchanged."
    rotation = Rotation.objects.get(code="ROT-UP-1")
    assert (rotation.name, rotation.scheme, rotation.intake, rotation.capacity, rotation.description) == (
        "Rotation ROT-UP-1",
        world.scheme_a,
        "2027-08",
        2,
        "Deep End general practice.",
    )
    slots = [(s.order, s.training_year, s.start_offset_months, s.months, s.post.post_number)
             for s in rotation.slots.order_by("order")]  # fmt: skip
    assert slots == [
        (1, "ST1", 0, 12, "HELD/GP/1"),
        (2, "ST2", 12, 12, "HELD/PSY/1"),
        (3, "ST2", 12, 12, "HELD/PSY/2"),
        (4, "ST3", 24, 12, "HELD/GP/1"),
    ]
    assert Rotation.objects.get(code="ROT-UP-2").capacity == 1
    assert AuditEvent.objects.filter(verb="rotation.created", actor=admin).count() == 2
    assert [(c.row, c.key) for c in summary.created] == [(2, "ROT-UP-1"), (3, "ROT-UP-2")]
    assert summary.created[1].warnings == ("Months 7–36 have no post.",)


def test_an_xlsx_with_an_intake_excel_made_a_date_and_number_cells(world, admin, held):
    rows = [
        ["ROT-UP-X", "Rotation X", "Scheme A", datetime.datetime(2027, 8, 1), 3, "st 1", 1.0, 6, "HELD/IH/1"]
    ]
    summary = rotations_upload(data=xlsx_bytes(ROTATION_HEADER[:9], rows), filename="r.xlsx", by=admin)
    assert len(summary.created) == 1
    rotation = Rotation.objects.get(code="ROT-UP-X")
    assert (rotation.intake, rotation.capacity, rotation.slots.get().training_year) == ("2027-08", 3, "ST1")


def test_uploading_the_same_rotations_again_changes_nothing(world, admin, held):
    data = rotations_csv(
        [slot("ROT-UP-1", "ST1", 1, 6, "HELD/IH/1"), slot("ROT-UP-1", "ST1", 7, 6, "HELD/GP/1")]
    )
    rotations_upload(data=data, filename="r.csv", by=admin)
    before = counts()
    summary = rotations_upload(data=data, filename="r.csv", by=admin)
    assert (summary.created, summary.updated, summary.unchanged) == ([], [], 1)
    assert "Nothing changed: every rotation matches" in str(summary)
    assert counts() == before


def test_a_changed_rotation_is_updated_and_its_slots_replaced(world, admin, held):
    rotation = world.rotation_a  # ROT-A: one slot of a post of scheme A
    rows = [slot("rot-a", "ST1", 1, 6, "HELD/IH/1", **{"Rotation name": rotation.name, "Places": "4",
                                                       "Intake": rotation.intake})]  # fmt: skip
    summary = rotations_upload(data=rotations_csv(rows), filename="r.csv", by=admin)
    [change] = summary.updated
    assert change.fields == ("places", "posts and months")
    rotation.refresh_from_db()
    assert (rotation.code, rotation.capacity) == ("ROT-A", 4)
    assert [s.post.post_number for s in rotation.slots.all()] == ["HELD/IH/1"]
    assert AuditEvent.objects.filter(verb="rotation.changed", target_id=str(rotation.pk)).count() == 1


# --- rotations: bad rows ------------------------------------------------------------------------------------


def test_every_bad_slot_cell_is_reported_at_once(world, admin, held):
    rows = [
        slot("ROT-1", "ST4", 1, 6, "HELD/IH/1"),
        slot("ROT-2", "ST1", 0, 6, "HELD/IH/1"),
        slot("ROT-3", "ST1", 1, 0, "HELD/IH/1"),
        slot("ROT-4", "ST1", 37, 6, "HELD/IH/1"),
        slot("ROT-5", "ST1", 1, 6, "HELD/IH/1", Intake="2027-13"),
        slot("ROT-6", "ST1", 1, 6, "HELD/IH/1", Intake="August 2027"),
        slot("ROT-7", "ST1", 1, 6, "HELD/IH/1", Places="lots"),
        slot("ROT-8", "ST1", 1, 6, "NO/SUCH/POST"),
        slot("ROT/9", "ST1", 1, 6, "HELD/IH/1"),
        slot("", "ST1", 1, 6, "HELD/IH/1"),
        slot("ROT-11", "ST1", 1, 6, "HELD/IH/1", Scheme="scheme-b"),
        slot("ROT-12", "ST1", 1, 6, "HELD/IH/1"),  # fine
    ]
    errors = rejected(rotations_upload, rotations_csv(rows), world.user("regional_lead"))
    assert where(errors) == {
        (2, "Training year"),
        (3, "Start month"),
        (4, "Months"),
        (5, "Start month"),
        (6, "Intake"),
        (7, "Intake"),
        (8, "Places"),
        (9, "Post number"),
        (10, "Rotation code"),
        (11, "Rotation code"),
        (12, "Scheme"),
    }
    said = messages(errors)
    assert said[(2, "Training year")] == 'Give the training year as ST1, ST2 or ST3; "ST4" is not.'
    assert said[(3, "Start month")] == 'The start month is a whole number from 1 to 36; "0" is not.'
    assert said[(6, "Intake")] == 'Give the intake as year and month, e.g. 2026-08; "2027-13" is not.'
    assert said[(9, "Post number")] == (
        'There is no post with the number "NO/SUCH/POST". A rotation\'s posts must exist already: upload '
        "them in the posts file first."
    )
    assert said[(12, "Scheme")] == "You do not manage Scheme B: upload rotations only for your own schemes."


def test_the_rows_of_a_rotation_must_agree_on_the_rotation(world, admin, held):
    rows = [
        slot("ROT-1", "ST1", 1, 6, "HELD/IH/1"),
        slot("ROT-1", "ST1", 7, 6, "HELD/GP/1", **{"Rotation name": "Another name", "Places": "3"}),
        slot("ROT-1", "ST2", 13, 6, "HELD/GP/1", Intake="2028-08"),
        slot("ROT-2", "ST1", 1, 6, "HELD/IH/1", **{"Rotation name": "", "Intake": ""}),
    ]
    errors = rejected(rotations_upload, rotations_csv(rows), admin)
    assert messages(errors) == {
        (3, "Rotation name"): 'The rows of rotation ROT-1 must agree: row 2 gives "Rotation ROT-1", this row '
        '"Another name".',
        (3, "Places"): 'The rows of rotation ROT-1 must agree: row 2 gives "2", this row "3".',
        (4, "Intake"): 'The rows of rotation ROT-1 must agree: row 2 gives "2027-08", this row "2028-08".',
        (5, "Rotation name"): "This is blank: give the rotation's name on its first row.",
        (5, "Intake"): "This is blank: give the rotation's intake on its first row.",
    }


def test_a_post_of_another_scheme_is_refused(world, admin, held):
    [error] = rejected(rotations_upload, rotations_csv([slot("ROT-1", "ST1", 1, 6, "HELD/B/1")]), admin)
    assert (error.row, error.column, error.message) == (
        2,
        "Post number",
        "HELD/B/1 is a post of Scheme B, not Scheme A.",
    )


def test_overlapping_slots_are_refused_on_the_rows_of_the_rotation(world, admin, held):
    rows = [
        slot("ROT-1", "ST1", 1, 6, "HELD/IH/1"),
        slot("ROT-2", "ST1", 1, 12, "HELD/PSY/1"),
        slot("ROT-2", "ST1", 1, 12, "HELD/PSY/2"),  # two half-time posts side by side: fine
        slot("ROT-1", "ST1", 4, 6, "HELD/GP/1"),
        slot("ROT-1", "ST3", 31, 12, "HELD/GP/1"),
    ]
    errors = rejected(rotations_upload, rotations_csv(rows), admin)
    assert [(e.row, e.column) for e in errors] == [(5, "Start month"), (6, "Months")]
    overlap, too_long = (e.message for e in errors)
    assert overlap.startswith("Months 4–6: Inclusion health at Fictional Outreach Service and GP practice at")
    assert overlap.endswith("(rows 2 and 5)")
    assert "runs to month 42, past the 36 months of GP training" in too_long


def test_a_rotation_held_in_another_scheme_is_refused(world, held):
    row = slot("ROT-B", "ST1", 1, 6, "HELD/IH/1")
    [error] = rejected(rotations_upload, rotations_csv([row]), world.user("scheme_admin"))
    assert (error.row, error.column, error.message) == (
        2,
        "Rotation code",
        "Rotation ROT-B is in Scheme B, which you do not manage.",
    )


def test_the_rotations_example_rows_are_refused(world, admin, held):
    rows = [slot("EXAMPLE-2027-01", "ST1", 1, 6, "EXAMPLE/GP/001"), slot("ROT-1", "ST1", 1, 6, "HELD/IH/1")]
    [error] = rejected(rotations_upload, rotations_csv(rows), admin)
    assert (error.row, error.column) == (2, "Rotation code")
    assert "example row" in error.message


def test_missing_rotation_columns_are_named(world, admin, held):
    header = [h for h in ROTATION_HEADER if h not in {"Months", "Intake"}]
    errors = rejected(
        rotations_upload, rotations_csv([slot("ROT-1", "ST1", 1, 6, "HELD/IH/1")], header=header), admin
    )
    assert where(errors) == {(1, "Months"), (1, "Intake")}


def test_a_headings_only_rotations_file_is_refused(world, admin):
    [error] = rejected(rotations_upload, (",".join(ROTATION_HEADER) + "\r\n").encode(), admin)
    assert error.message == "The file has headings but no rotations."


# --- the samples and the templates --------------------------------------------------------------------------


def test_the_sample_files_upload_and_upload_again_unchanged(world, admin):
    bristol = f.SchemeFactory(code="bristol", name="Fictional Bristol", region=world.region_a)
    for code in ("Y98001", "Y98002", "Y98003"):
        f.PracticeFactory(ods_code=code, region=world.region_a)
    posts_data = (SAMPLES / "posts-sample.csv").read_bytes()
    rotations_data = (SAMPLES / "rotations-sample.csv").read_bytes()
    assert len(posts_upload(data=posts_data, filename="posts-sample.csv", by=admin).created) == 6
    summary = rotations_upload(data=rotations_data, filename="rotations-sample.csv", by=admin)
    assert [c.key for c in summary.created] == ["SAMPLE-BRI-2027-01", "SAMPLE-BRI-2027-02"]
    assert Rotation.objects.get(code="SAMPLE-BRI-2027-02").slots.count() == 4
    assert Post.objects.filter(scheme=bristol).count() == 6
    assert not posts_upload(data=posts_data, filename="p.csv", by=admin).changed
    assert not rotations_upload(data=rotations_data, filename="r.csv", by=admin).changed


def read_template(content: bytes, fmt: str) -> list[list]:
    if fmt == "csv":
        assert content.startswith(b"\xef\xbb\xbf"), "Excel opens it as UTF-8"
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_templates_download_with_their_headings_and_examples(world, client_for, fmt):
    client = client_for("scheme_admin")
    for kind, header in (("posts", POST_HEADER), ("rotations", ROTATION_HEADER)):
        response = client.get(reverse("setup:upload_template", kwargs={"kind": kind, "fmt": fmt}))
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="heft-{kind}-template.{fmt}"'
        rows = read_template(response.content, fmt)
        assert rows[0] == header
        assert len(rows) == 3
        assert all(row[0].startswith("EXAMPLE") for row in rows[1:])
        assert all("scheme-a" in row for row in rows[1:]), "the examples name the uploader's scheme"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_template_uploaded_as_it_is_is_refused_and_filled_in_is_accepted(world, admin, fmt):
    for kind, upload in (("posts", posts_upload), ("rotations", rotations_upload)):
        content = uploads.upload_template(kind=kind, fmt=fmt, by=admin)
        errors = rejected(upload, content, admin, filename=f"template.{fmt}")
        assert {e.row for e in errors} == {2, 3}
        assert all("example row" in e.message for e in errors)
        filled = fill_in(content, fmt, kind, world)
        summary = upload(data=filled, filename=f"filled.{fmt}", by=admin)
        assert len(summary.created) == (2 if kind == "posts" else 1)
    assert [s.post.post_number for s in Rotation.objects.get(code="BRI-2027-01").slots.all()] == [
        "BRI/GP/001",
        "BRI/IH/002",
    ]


def fill_in(content: bytes, fmt: str, kind: str, world) -> bytes:
    """The template with its example rows made real, as a person would in Excel: each EXAMPLE prefix taken
    off, the practice code replaced."""

    def real(value):
        if isinstance(value, str):
            value = (
                value.replace("EXAMPLE/", "BRI/")
                .replace("EXAMPLE-", "BRI-")
                .replace("Y99999", world.practice.ods_code)
            )
            return "" if value.startswith("Example row") else value
        return value

    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        buffer = io.StringIO()
        csv.writer(buffer).writerows([rows[0], *([real(v) for v in row] for row in rows[1:])])
        return buffer.getvalue().encode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(content))
    for row in workbook.active.iter_rows(min_row=2):
        for cell in row:
            cell.value = real(cell.value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_problems_repeated_on_many_rows_are_shown_once_with_their_rows():
    same = 'The whole-time equivalent is more than 0 and at most 1; "2" is not.'
    errors = ImportRejected(
        [RowError(0, None, "Whole file problem."), RowError(1, "Scheme", 'There is no "Scheme" column.')]
        + [RowError(row, "WTE", same) for row in (2, 5, 8, 9, 10, 11)]
        + [RowError(5, "Site", "This is blank."), RowError(7, "WTE", same.replace("2", "3"))]
    ).errors
    groups = uploads.problem_groups(errors)
    assert [(g.where, [(p.column, p.message) for p in g.problems]) for g in groups] == [
        ("Whole file", [(None, "Whole file problem.")]),
        ("Row 1 (headings)", [("Scheme", 'There is no "Scheme" column.')]),
        ("Rows 2, 5 and 8–11", [("WTE", same)]),
        ("Row 5", [("Site", "This is blank.")]),
        ("Row 7", [("WTE", same.replace("2", "3"))]),
    ]


# --- the page -----------------------------------------------------------------------------------------------


def upload_file(client, kind: str, data: bytes, name="upload.csv"):
    url = reverse(f"setup:upload_{kind}")
    return client.post(url, {f"{kind}-file": SimpleUploadedFile(name, data)})


def test_the_page_explains_both_files_and_offers_the_templates(world, client_for):
    response = client_for("scheme_admin").get(reverse("setup:upload"))
    assert response.status_code == 200
    text = page_text(response)
    for kind in ("posts", "rotations"):
        for fmt in ("csv", "xlsx"):
            assert reverse("setup:upload_template", kwargs={"kind": kind, "fmt": fmt}) in text
        assert f'action="{reverse(f"setup:upload_{kind}")}"' in text
    assert "You can upload for Scheme A (code <code>scheme-a</code>)." in text
    assert "Inclusion health</strong> (<code>inclusion-health</code>)" in text
    assert "Educational supervisor email" in text


def test_an_upload_on_the_page_shows_what_it_did_with_links(world, client_for, held):
    client = client_for("regional_lead")
    response = upload_file(client, "rotations", rotations_csv([slot("ROT-UP-1", "ST1", 1, 6, "HELD/IH/1")]))
    assert response.status_code == 200
    text = page_text(response)
    assert "The rotations file was uploaded" in text
    assert "1 row read. Rotations: 1 new, 0 updated, 0 unchanged." in text
    assert f'href="{reverse("programmes:rotation_detail", args=["ROT-UP-1"])}"' in text
    assert "Warning: Months 7–36 have no post." in text
    again = upload_file(client, "rotations", rotations_csv([slot("ROT-UP-1", "ST1", 1, 6, "HELD/IH/1")]))
    assert "Nothing changed" in page_text(again)


def test_new_and_updated_posts_link_to_their_pages(world, client_for, held):
    response = upload_file(
        client_for("scheme_admin"), "posts", posts_csv([post(1), post(2, **{"Post number": "HELD/IH/1"})])
    )
    text = page_text(response)
    new = Post.objects.get(post_number="TEST/UP/001")
    assert f'<a href="{reverse("setup:post_edit", args=[new.pk])}">TEST/UP/001 Inclusion health</a>' in text
    assert (
        f'<a href="{reverse("setup:post_edit", args=[held["ih"].pk])}">HELD/IH/1 Inclusion health</a>' in text
    )
    assert "(row 3): subtype, educational supervisor, educational supervisor email changed" in text


def test_a_refused_upload_lists_every_problem_by_row_and_saves_nothing(world, client_for):
    client = client_for("scheme_admin")
    rows = [post(1, Scheme="scheme-b"), post(2, WTE="2", Category="astrology"), post(3)]
    before = counts()
    response = upload_file(client, "posts", posts_csv(rows))
    assert response.status_code == 400
    assert counts() == before
    text = page_text(response)
    assert "The posts file was not uploaded" in text
    assert "3 problems found, in 2 rows." in text
    assert "<strong>Scheme:</strong> You do not manage Scheme B" in text
    assert "<strong>WTE:</strong>" in text
    assert "<strong>Category:</strong>" in text
    assert '<dt class="nhsuk-summary-list__key">Row 3</dt>' in text


def test_the_same_problem_on_every_row_is_listed_once(world, client_for):
    response = upload_file(
        client_for("scheme_admin"), "posts", posts_csv([post(n, Scheme="x") for n in range(9)])
    )
    text = page_text(response)
    assert "9 problems found, in 9 rows." in text
    assert '<dt class="nhsuk-summary-list__key">Rows 2–10</dt>' in text
    assert text.count('There is no scheme with the code or name "x".') == 1


def test_no_file_is_an_error_on_the_form(world, client_for):
    response = client_for("national_admin").post(reverse("setup:upload_posts"))
    assert response.status_code == 400
    text = page_text(response)
    assert "Choose the posts file to upload." in text
    assert 'href="#id_posts-file"' in text


def test_an_empty_file_is_an_error_on_the_form(world, client_for):
    response = upload_file(client_for("national_admin"), "rotations", b"")
    assert response.status_code == 400
    assert "The file is empty." in page_text(response)


def test_the_upload_addresses_send_a_get_to_the_page(world, client_for):
    response = client_for("national_admin").get(reverse("setup:upload_posts"))
    assert (response.status_code, response["Location"]) == (302, reverse("setup:upload"))


@pytest.mark.parametrize("role", ["educator", "mentor", "trainee"])
def test_roles_without_manage_programmes_are_refused_everywhere(world, client_for, role):
    client = client_for(role)
    before = counts()
    assert client.get(reverse("setup:upload")).status_code == 403
    assert upload_file(client, "posts", posts_csv([post(1)])).status_code == 403
    assert (
        client.get(reverse("setup:upload_template", kwargs={"kind": "posts", "fmt": "csv"})).status_code
        == 403
    )
    assert counts() == before


# --- fuzzed: a malformed file is refused whole, never a server error ----------------------------------------

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
GOOD_POSTS = [POST_HEADER, *([post(n).get(h, "") for h in POST_HEADER] for n in range(1, 4))]
GOOD_POSTS_XLSX = xlsx_bytes(
    GOOD_POSTS[0], GOOD_POSTS[1:]
)  # once: a workbook's size varies with its timestamp
# A formula in a workbook reads as its cached value (here none, so blank): it goes in a required column.
BAD_POST_CELLS = [(0, ""), (1, "atlantis"), (2, "astrology"), (3, "Fishing"), (4, "!!"), (5, "x" * 201),
                  (6, "1e9"), (6, "NaN"), (8, "@example"), (0, "=1+1"), (5, "+44 7700 900000")]  # fmt: skip


@st.composite
def broken_posts_files(draw) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["random", "truncated xlsx", "encoding", "good then bad"]))
    if kind == "random":
        return "random.csv", draw(st.binary(max_size=2000))
    if kind == "truncated xlsx":
        cut = draw(st.integers(min_value=1, max_value=len(GOOD_POSTS_XLSX) - 1))
        return "cut.xlsx", GOOD_POSTS_XLSX[:cut]
    rows = [list(row) for row in GOOD_POSTS]
    if kind == "encoding":
        rows[1][5] = draw(st.sampled_from(["Fictional Café", "Siân's Surgery", "Łódź House"]))
        encoding = draw(st.sampled_from(["cp1252", "latin-1", "utf-16", "utf-32"]))
        text = "\r\n".join(",".join(row) for row in rows)
        return f"{encoding}.csv", text.encode(encoding, errors="replace")
    column, value = draw(st.sampled_from(BAD_POST_CELLS))
    rows[draw(st.integers(min_value=1, max_value=3))][column] = value
    if draw(st.booleans()):
        return "bad.xlsx", xlsx_bytes(rows[0], rows[1:])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return "bad.csv", buffer.getvalue().encode()


@FUZZ
@given(upload=broken_posts_files())
def test_a_malformed_posts_file_is_refused_whole(upload, world):
    name, data = upload
    note(f"{name}: {data[:300]!r}")
    before = counts()
    with pytest.raises(ImportRejected) as refused:
        posts_upload(data=data, filename=name, by=world.user("regional_lead"))
    assert refused.value.errors
    assert all(str(e).strip() for e in refused.value.errors)
    assert counts() == before
