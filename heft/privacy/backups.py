"""Backups and restores with each database's own tools, checked table by table.

PostgreSQL: `pg_dump --format=custom` and `pg_restore`. SQLite: its online backup API (what the sqlite3
shell's `.backup` uses), which copies a consistent snapshot while the app keeps running.

Each backup file gets a manifest beside it (`<file>.manifest.json`): the file's SHA-256, and for every table
its row count and a checksum of its rows, taken from the same snapshot as the backup (for PostgreSQL,
pg_dump runs on a snapshot exported by the transaction that counts). `restore` refuses a file whose SHA-256
differs from its manifest, and after restoring compares every table with the manifest: a restore that lost
or changed anything fails. docs/backups.md says how to run them.

Backup files hold everyone's personal data: they are written readable by their owner only.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import dj_database_url

FORMAT = "heft-hub-backup/1"
POSTGRESQL, SQLITE = "postgresql", "sqlite"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that did not complete, or did not match its manifest."""


@dataclass(frozen=True)
class Database:
    """Where a database is, in Django's settings form (NAME, USER, PASSWORD, HOST, PORT, OPTIONS)."""

    vendor: str
    settings: dict

    @classmethod
    def from_settings(cls, settings_dict: dict) -> "Database":
        engine = settings_dict["ENGINE"]
        if engine.endswith("postgresql"):
            return cls(POSTGRESQL, settings_dict)
        if engine.endswith("sqlite3"):
            return cls(SQLITE, settings_dict)
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")

    @classmethod
    def from_url(cls, url: str) -> "Database":
        return cls.from_settings(dj_database_url.parse(url))

    @property
    def name(self) -> str:
        return str(self.settings["NAME"])

    def describe(self) -> str:
        """Where it is, without the password."""
        if self.vendor == SQLITE:
            return f"SQLite {self.name}"
        host = self.settings.get("HOST") or "localhost"
        return f"PostgreSQL {self.name} on {host}:{self.settings.get('PORT') or 5432}"


# --- fingerprints: row counts and checksums of every table ----------------------------------------------


def _row_digest(rows) -> tuple[int, str]:
    """Count and checksum of rows in any order: the sum of each row's SHA-256, modulo 2**256."""
    count, total = 0, 0
    for row in rows:
        count += 1
        total = (total + int.from_bytes(hashlib.sha256(repr(tuple(row)).encode()).digest(), "big")) % (
            1 << 256
        )
    return count, f"{total:064x}"


def _sqlite_connect(name: str) -> sqlite3.Connection:
    # Django's in-memory test databases are shared-cache URIs; anything else is a file path.
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_fingerprint(connection: sqlite3.Connection) -> dict:
    tables = [
        row[0]
        for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    fingerprint = {}
    for table in tables:
        rows, checksum = _row_digest(connection.execute(f"SELECT * FROM {_quote(table)}"))  # noqa: S608
        fingerprint[table] = {"rows": rows, "sha256": checksum}
    return {"tables": fingerprint, "sequences": {}}


def _pg_connect(database: Database, **kwargs):
    import psycopg

    settings = database.settings
    params = {
        "dbname": settings["NAME"],
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
        "sslmode": (settings.get("OPTIONS") or {}).get("sslmode"),
        # The same text for a timestamp whichever server or session reads it.
        "options": "-c TimeZone=UTC",
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, **kwargs)


def postgresql_fingerprint(connection) -> dict:
    """Every table of the current schema, and every sequence's last value. Run it in one transaction."""
    from psycopg import sql

    tables = [
        row[0]
        for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    ]
    fingerprint = {}
    for number, table in enumerate(tables):
        # A server-side cursor: a big table streams instead of filling memory.
        with connection.cursor(name=f"heft_fingerprint_{number}") as cursor:
            cursor.itersize = 2000
            cursor.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table)))
            rows, checksum = _row_digest(cursor)
        fingerprint[table] = {"rows": rows, "sha256": checksum}
    query = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()"
    sequences = dict(connection.execute(query).fetchall())
    return {"tables": fingerprint, "sequences": sequences}


def fingerprint(database: Database) -> dict:
    """Row counts and checksums of every table of the database as it is now."""
    if database.vendor == SQLITE:
        connection = _sqlite_connect(database.name)
        try:
            return sqlite_fingerprint(connection)
        finally:
            connection.close()
    with _pg_connect(database) as connection:
        connection.read_only = True
        return postgresql_fingerprint(connection)


# --- backup ----------------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def default_backup_path(database: Database, directory: Path) -> Path:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = ".pgdump" if database.vendor == POSTGRESQL else ".sqlite3"
    return directory / f"heft-{stamp}{suffix}"


def backup(database: Database, path: Path) -> dict:
    """Back the database up to `path` and write its manifest. Returns the manifest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    old_umask = os.umask(0o077)  # the file holds personal data: its owner alone may read it
    try:
        with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
            partial = Path(scratch) / path.name
            take = _backup_postgresql if database.vendor == POSTGRESQL else _backup_sqlite
            prints = take(database, partial)
            manifest = {
                "format": FORMAT,
                "vendor": database.vendor,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                "database": database.describe(),
                "file": path.name,
                "file_sha256": file_sha256(partial),
                "rows": sum(t["rows"] for t in prints["tables"].values()),
                **prints,
            }
            # Only a complete backup takes the name: a failure above leaves nothing half-written.
            partial.replace(path)
            manifest_path(path).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    finally:
        os.umask(old_umask)
    return manifest


def _backup_sqlite(database: Database, path: Path) -> dict:
    source, copy = _sqlite_connect(database.name), sqlite3.connect(path)
    try:
        source.backup(copy)
        return sqlite_fingerprint(copy)  # the copy is the snapshot: count what was saved
    finally:
        copy.close()
        source.close()


def _backup_postgresql(database: Database, path: Path) -> dict:
    from psycopg import IsolationLevel

    _require_tool("pg_dump")
    with _pg_connect(database) as connection:
        connection.isolation_level = IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        # pg_dump reads the snapshot this transaction holds open, so the counts below describe the file.
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={path}"], database)
        return postgresql_fingerprint(connection)


def _require_tool(name: str) -> None:
    if shutil.which(name) is None:
        raise BackupError(f"{name} is not installed (on Debian: apt install postgresql-client).")


def _pg_environment(database: Database) -> dict:
    """libpq's variables: the password never appears on a command line."""
    settings = database.settings
    env = dict(os.environ)
    values = {
        "PGDATABASE": settings["NAME"],
        "PGUSER": settings.get("USER"),
        "PGPASSWORD": settings.get("PASSWORD"),
        "PGHOST": settings.get("HOST"),
        "PGPORT": settings.get("PORT"),
        "PGSSLMODE": (settings.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({k: str(v) for k, v in values.items() if v})
    return env


def _run(command: list[str], database: Database) -> None:
    result = subprocess.run(  # noqa: S603 (fixed programs, arguments built here)
        command, env=_pg_environment(database), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


# --- restore ---------------------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict:
    manifest_file = manifest_path(Path(path))
    if not manifest_file.exists():
        raise BackupError(f"No manifest beside the backup: {manifest_file} (it is written by `backup`).")
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{manifest_file} is not a HEFT Hub backup manifest.")
    return manifest


def has_tables(database: Database) -> bool:
    if database.vendor == SQLITE:
        if not database.name.startswith("file:") and not Path(database.name).exists():
            return False
        connection = _sqlite_connect(database.name)
        try:
            return (
                connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
                > 0
            )
        finally:
            connection.close()
    with _pg_connect(database) as connection:
        query = "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        return connection.execute(query).fetchone()[0] > 0


def differences(expected: dict, actual: dict) -> list[str]:
    """Tables and sequences whose rows or values differ, in words."""
    problems = []
    for kind in ("tables", "sequences"):
        wanted, found = expected.get(kind, {}), actual.get(kind, {})
        for name in sorted(set(wanted) | set(found)):
            if name not in found:
                problems.append(f"{kind[:-1]} {name} is missing")
            elif name not in wanted:
                problems.append(f"{kind[:-1]} {name} was not in the backup")
            elif wanted[name] != found[name]:
                problems.append(f"{kind[:-1]} {name}: expected {wanted[name]}, found {found[name]}")
    return problems


def restore(path: Path, database: Database, *, replace: bool = False) -> dict:
    """Restore the backup at `path` into `database`, then check every table against the manifest.

    Refuses a database that already has tables unless `replace` is set. Returns the manifest.
    """
    path = Path(path)
    manifest = read_manifest(path)
    if manifest["vendor"] != database.vendor:
        raise BackupError(
            f"This is a {manifest['vendor']} backup; it cannot be restored into {database.vendor}."
        )
    if file_sha256(path) != manifest["file_sha256"]:
        raise BackupError(f"{path} is not the file its manifest describes: it is damaged or was changed.")
    if not replace and has_tables(database):
        raise BackupError(
            f"{database.describe()} is not empty. Restore into a new database, or pass --replace."
        )
    if database.vendor == POSTGRESQL:
        _restore_postgresql(path, database, replace=replace)
    else:
        _restore_sqlite(path, database)
    problems = differences(manifest, fingerprint(database))
    if problems:
        raise BackupError("The restored database differs from the backup: " + "; ".join(problems[:20]))
    return manifest


def _restore_sqlite(path: Path, database: Database) -> None:
    source, target = sqlite3.connect(f"file:{path}?mode=ro", uri=True), _sqlite_connect(database.name)
    try:
        source.backup(target)  # replaces every page of the target
    finally:
        target.close()
        source.close()


def _restore_postgresql(path: Path, database: Database, *, replace: bool) -> None:
    _require_tool("pg_restore")
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if replace:
        command += ["--clean", "--if-exists"]
    _run([*command, f"--dbname={database.name}", str(path)], database)
