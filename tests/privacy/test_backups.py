"""Backups round-trip: the demo (and a trainee with every kind of record) backed up with the database's
own tools, restored into a fresh database, compares equal table by table: row counts and row checksums.
Runs on whichever database the suite uses (SQLite by default, PostgreSQL with DATABASE_URL)."""

import importlib
import json
import shutil

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from heft.demo.load import load_demo_data
from heft.privacy.backups import BackupError, Database, fingerprint, manifest_path, restore
from heft.programmes.models import TrainingScheme
from tests import factories as f
from tests.privacy.conftest import give_every_kind_of_record


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the same kind as the suite's, as a URL; dropped afterwards."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = f"{settings['NAME']}_restored"
    admin = {
        k: v
        for k, v in {
            "host": settings["HOST"],
            "port": settings["PORT"],
            "user": settings["USER"],
            "password": settings["PASSWORD"],
        }.items()
        if v
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
    host, port = settings["HOST"] or "localhost", settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    yield f"postgres://{settings['USER']}{password}@{host}:{port}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _trainee_with_every_kind_of_record(scheme=None):
    trainee = f.TraineeFactory(surname='O\'Brien-Ní Dhúill "Zoë"\nline two ✓', user=f.UserFactory())
    f.MembershipFactory(trainee=trainee, **({"scheme": scheme} if scheme else {}))
    give_every_kind_of_record(trainee, at=timezone.now(), tag="backup ✓")


@pytest.fixture
def sample(transactional_db):
    """The demo, plus a trainee with a record of every kind and text that is awkward to copy."""
    # Reference data from a migration: an earlier test's flush may have emptied the table.
    importlib.import_module("heft.community.migrations.0004_interest_areas").add_areas(apps, None)
    load_demo_data()
    _trainee_with_every_kind_of_record(TrainingScheme.objects.order_by("pk").first())
    return Database.from_settings(connection.settings_dict)


@pytest.fixture
def small_sample(transactional_db):
    """A trainee with a record of every kind: enough for the ways a restore can fail."""
    _trainee_with_every_kind_of_record()
    return Database.from_settings(connection.settings_dict)


@pytest.mark.skipif(
    connection.vendor == "postgresql" and not shutil.which("pg_dump"), reason="pg_dump is not installed"
)
def test_backup_and_restore_lose_nothing(sample, fresh_database, tmp_path, capsys):
    before = fingerprint(sample)
    path = tmp_path / "heft.backup"
    call_command("backup", "--output", str(path))
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only
    call_command("restore", str(path), "--database-url", fresh_database)
    assert "each matching the backup" in capsys.readouterr().out

    after = fingerprint(Database.from_url(fresh_database))
    assert after == before
    tables = before["tables"]
    assert len(tables) > 60
    filled = [name for name, table in tables.items() if table["rows"]]
    assert len(filled) > 50
    assert sum(t["rows"] for t in tables.values()) > 2500
    assert json.loads(manifest_path(path).read_text())["tables"] == tables


def test_a_restore_that_differs_from_the_manifest_fails(small_sample, fresh_database, tmp_path):
    path = tmp_path / "heft.backup"
    call_command("backup", "--output", str(path))
    manifest = json.loads(manifest_path(path).read_text())
    manifest["tables"]["trainees_trainee"]["rows"] += 1  # as if a row had gone missing on the way
    manifest_path(path).write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="trainees_trainee"):
        restore(path, Database.from_url(fresh_database))


def test_a_damaged_backup_is_refused(small_sample, fresh_database, tmp_path):
    path = tmp_path / "heft.backup"
    call_command("backup", "--output", str(path))
    with path.open("r+b") as file:  # flip four bytes (writing zeros might change nothing in a SQLite file)
        file.seek(path.stat().st_size // 2)
        original = file.read(4)
        file.seek(-4, 1)
        file.write(bytes(b ^ 0xFF for b in original))
    with pytest.raises(BackupError, match="damaged"):
        restore(path, Database.from_url(fresh_database))


def test_a_restore_never_overwrites_a_database_unasked(small_sample, tmp_path):
    path = tmp_path / "heft.backup"
    call_command("backup", "--output", str(path))
    with pytest.raises(BackupError, match="not empty"):
        restore(path, small_sample)
