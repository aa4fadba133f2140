"""Set-up that follows every `migrate` (and every flush, which ends with the same signal): the reference
post catalogue of data migration 0003, put back where it is missing, as Django puts back content types.
A test database emptied between browser tests gets it again; an installation keeps any edits made to it,
because only categories and subtypes that are missing altogether are created."""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.db import connections
from django.dispatch import Signal

CATALOGUE_MIGRATION = "heft.programmes.migrations.0003_reference_post_categories"


def restore_reference_catalogue(sender, using, **kwargs) -> None:
    subtypes = apps.get_model("programmes", "PostSubtype")._meta.db_table
    if subtypes not in connections[using].introspection.table_names():
        return  # migrated back to before the catalogue existed
    migration = import_module(CATALOGUE_MIGRATION)
    migration.add_reference_categories(apps, schema_editor=None, using=using)


# --- what withdrawing a rotation would touch ----------------------------------------------------------------

# Sent (with `rotation`) before a rotation is withdrawn, so that the person sees what it would touch in the
# apps above programmes, which this app cannot read: who ranked it, the offers it holds, the public pages
# that list it. Each receiver returns a list of Consequence.
rotation_withdrawal_consequences = Signal()


@dataclass(frozen=True)
class Consequence:
    """One thing withdrawing a rotation changes: a heading with how many, who or what, and what follows."""

    heading: str
    items: list[str] = field(default_factory=list)
    note: str = ""
    link_text: str = ""
    link_url: str = ""
