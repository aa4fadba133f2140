"""Updating thousands of rows at once.

Django's bulk_update writes one statement per batch too, but builds a CASE expression per row and field in
Python first: for a national file (7,000 practices, several fields) that alone takes seconds. Here each batch
is one `UPDATE ... FROM (VALUES ...)`, which PostgreSQL and SQLite (3.33 and later) both understand.
"""

from django.db import connection, models

from heft.practices.models import Practice
from heft.practices.signals import practices_saved_in_bulk

BATCH = 500


def bulk_set(model: type[models.Model], objects: list[models.Model], fields: list[str]) -> None:
    """Save `fields` of every object in `objects`, a batch of rows per statement; for practices, tell the
    apps above (no post_save is sent)."""
    if not objects:
        return
    _update(model, objects, fields)
    if model is Practice:
        practices_saved_in_bulk.send(sender=Practice, pks=[obj.pk for obj in objects], fields=fields)


def _update(model: type[models.Model], objects: list[models.Model], fields: list[str]) -> None:
    if connection.vendor not in {"postgresql", "sqlite"}:
        model.objects.bulk_update(objects, fields, batch_size=BATCH)
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    # VALUES columns are called column1, column2, ... in both databases; column1 holds the primary key.
    assignments = ", ".join(
        f"{quote(field.column)} = CAST(v.column{index} AS {field.cast_db_type(connection)})"
        for index, field in enumerate(columns, start=2)
    )
    row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH):
            batch = objects[start : start + BATCH]
            params = []
            for obj in batch:
                params.append(obj.pk)
                params += [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]
            # Only quoted names from the model's own metadata go into the text; every value is a parameter.
            sql = (
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(batch))}) AS v "  # noqa: S608
                f"WHERE {table}.{quote(meta.pk.column)} = v.column1"
            )
            cursor.execute(sql, params)
