"""The areas of interest trainees and mentors choose from (reference data, not demo data)."""

from django.db import migrations

AREAS = [
    ("homelessness", "Homelessness", "inclusion"),
    ("refugee-asylum", "Refugee and asylum seeker health", "inclusion"),
    ("migrant-health", "Migrant health", "inclusion"),
    ("gypsy-roma-traveller", "Gypsy, Roma and Traveller health", "inclusion"),
    ("sex-workers", "Health of sex workers", "inclusion"),
    ("prison-health", "Prison and secure settings", "inclusion"),
    ("drugs-alcohol", "Drug and alcohol use", "inclusion"),
    ("mental-health", "Mental health", "specialty"),
    ("public-health", "Public health", "specialty"),
    ("child-health", "Child health and safeguarding", "specialty"),
    ("urgent-care", "Urgent and emergency care", "specialty"),
    ("research", "Research", "research"),
    ("leadership", "Leadership and service improvement", "leadership"),
    ("education", "Medical education", "education"),
]


def add_areas(apps, schema_editor):
    InterestArea = apps.get_model("community", "InterestArea")
    for code, name, group in AREAS:
        InterestArea.objects.update_or_create(code=code, defaults={"name": name, "group": group})


def remove_areas(apps, schema_editor):
    apps.get_model("community", "InterestArea").objects.filter(code__in=[a[0] for a in AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("community", "0003_communities_opportunities_outcomes")]

    operations = [migrations.RunPython(add_areas, remove_areas)]
