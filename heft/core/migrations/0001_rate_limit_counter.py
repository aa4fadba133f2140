from django.db import migrations, models


def unlogged_on_postgresql(apps, schema_editor):
    # Counts are worth losing in a crash, not worth a disk flush on every request: an UNLOGGED table's
    # writes skip PostgreSQL's write-ahead log, so counting adds no wait for the disk.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_ratelimitcounter SET UNLOGGED")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="RateLimitCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=100, unique=True)),
                ("count", models.PositiveIntegerField(default=0)),
                ("window_ends", models.BigIntegerField(db_index=True, help_text="seconds since the epoch")),
            ],
            options={"verbose_name": "rate limit counter"},
        ),
        migrations.RunPython(unlogged_on_postgresql, migrations.RunPython.noop),
    ]
