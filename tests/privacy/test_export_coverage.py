"""Every link to a Trainee or a User, in every model of the project, is either walked by the subject
access export or exempted with a reason. A new model holding a trainee's data fails here until it is one
or the other (heft/privacy/export.py)."""

from django.apps import apps
from django.contrib.auth import get_user_model

from heft.privacy.export import EXEMPT, SECTIONS
from heft.trainees.models import Trainee


def links_to_people() -> set[str]:
    """ "app_label.Model.field" for every foreign key, one-to-one or many-to-many field pointing straight
    at Trainee or User."""
    people = {Trainee, get_user_model()}
    links = set()
    for model in apps.get_models():
        for field in [*model._meta.local_fields, *model._meta.local_many_to_many]:
            if field.is_relation and field.related_model in people:
                links.add(f"{model._meta.label}.{field.name}")
    return links


def exported_links() -> set[str]:
    return {f"{s.model_class._meta.label}.{s.direct_link}" for s in SECTIONS if s.direct_link}


def test_every_link_to_a_person_is_exported_or_exempt():
    missing = sorted(links_to_people() - exported_links() - set(EXEMPT))
    assert missing == [], (
        "These fields point at a Trainee or a User but are neither in the subject access export nor "
        f"exempted (heft/privacy/export.py SECTIONS or EXEMPT): {missing}"
    )


def test_no_exemption_names_a_link_that_is_gone_or_exported():
    assert sorted(set(EXEMPT) - links_to_people()) == []
    assert sorted(set(EXEMPT) & exported_links()) == []


def test_every_exemption_gives_a_reason():
    assert all(len(reason.strip()) > 20 for reason in EXEMPT.values())


def test_every_section_starts_from_its_subject():
    """A section's lookup must really lead from its model to a Trainee or a User."""
    for section in SECTIONS:
        model, target = section.model_class, None
        if section.lookup == "pk":
            target = model
        else:
            for step in section.lookup.split("__"):
                field = model._meta.get_field(step)
                model = target = field.related_model
        expected = Trainee if section.subject == "trainee" else get_user_model()
        assert target is expected, section.key


def test_the_check_catches_a_link_missing_from_both_lists(monkeypatch):
    """The check above is not vacuous: drop one exported link and it is reported."""
    from heft.privacy import export

    monkeypatch.setattr(export, "SECTIONS", [s for s in SECTIONS if s.key != "reflections"])
    from tests.privacy import test_export_coverage as this

    monkeypatch.setattr(this, "SECTIONS", export.SECTIONS)
    assert "teaching.Reflection.trainee" in links_to_people() - exported_links() - set(EXEMPT)
