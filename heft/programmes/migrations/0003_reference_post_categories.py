"""The post catalogue every installation starts with: the GP placement, the innovative posts the HEFT
programme documents list (with inclusion health's controlled subtypes) and the hospital specialties GP
rotations commonly hold. National admins may add more; these are only created where missing, so a
category someone has already edited keeps their words."""

from django.db import migrations

GP, INNOVATIVE, HOSPITAL = "gp", "innovative", "hospital"
CATEGORIES = [
    ("gp-practice", "GP practice", GP, "General practice: a GP training practice."),
    ("mental-health", "Mental health", INNOVATIVE,
     "Community and primary care mental health services, alongside mental health practitioners."),
    ("public-health", "Public health", INNOVATIVE,
     "A local authority public health team: population health, screening and health protection."),
    ("substance-misuse", "Substance misuse", INNOVATIVE,
     "Drug and alcohol treatment and recovery services in the community."),
    ("psychiatry", "Psychiatry", INNOVATIVE, "Psychiatric liaison, crisis and community psychiatry teams."),
    ("prisons", "Prisons", INNOVATIVE, "Healthcare in a prison or an immigration removal centre."),
    ("inclusion-health", "Inclusion health", INNOVATIVE,
     "Care for people often excluded from healthcare: homelessness, migrant health, sex workers, "
     "refugees and asylum seekers, and Gypsies and Travellers."),
    ("leadership", "Leadership", INNOVATIVE,
     "Clinical leadership and service improvement with a primary care network or integrated care board."),
    ("education", "Education", INNOVATIVE,
     "Medical education: teaching students and trainees, with a postgraduate certificate."),
    ("academic", "Academic", INNOVATIVE,
     "Research in primary care and health inequalities with a university department."),
    ("emergency-medicine", "Emergency medicine", INNOVATIVE,
     "Urgent and emergency care outside hospital: urgent treatment centres and out-of-hours services."),
    ("paediatrics", "Paediatrics", HOSPITAL, "A hospital paediatrics post."),
    ("obstetrics-gynaecology", "Obstetrics and gynaecology", HOSPITAL,
     "A hospital obstetrics and gynaecology post."),
    ("general-medicine", "General medicine", HOSPITAL, "A hospital general medicine post."),
    ("care-of-the-elderly", "Care of the elderly", HOSPITAL, "A hospital post in the care of older people."),
    ("emergency-department", "Emergency department (hospital)", HOSPITAL,
     "A hospital emergency department post."),
]
SUBTYPES = {
    "inclusion-health": [
        ("homelessness", "Homelessness"),
        ("migrant-health", "Migrant health"),
        ("sex-workers", "Sex workers"),
        ("refugees-and-asylum-seekers", "Refugees and asylum seekers"),
        ("gypsies-and-travellers", "Gypsies and Travellers"),
    ]
}


def add_reference_categories(apps, schema_editor, using=None):
    """Creates what is missing; heft.programmes.signals runs it again after every migrate and flush."""
    db = using or (schema_editor.connection.alias if schema_editor else "default")
    categories = apps.get_model("programmes", "PostCategory").objects.using(db)
    subtypes = apps.get_model("programmes", "PostSubtype").objects.using(db)
    for code, name, kind, description in CATEGORIES:
        if not categories.filter(code=code).exists() and not categories.filter(name=name).exists():
            categories.create(code=code, name=name, kind=kind, description=description)
    for category_code, pairs in SUBTYPES.items():
        category = categories.filter(code=category_code).first()
        if category is None:
            continue
        for code, name in pairs:
            if not subtypes.filter(code=code).exists():
                subtypes.create(category=category, code=code, name=name)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0002_setup_by_programme_teams")]
    operations = [migrations.RunPython(add_reference_categories, migrations.RunPython.noop)]
