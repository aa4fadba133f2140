"""Background work (django-tasks): uploaded files are loaded, and long Deep End rule applications done, by the
worker, away from the web request."""

from heft.core.tasks import retried_task
from heft.practices.deep_end import deep_end_rule_run
from heft.practices.imports import run_import
from heft.practices.models import DataImport, ImportUpload


@retried_task()
def run_uploaded_import(import_id: int) -> str:
    """Load an uploaded file, then drop the stored copy: the import log keeps its checksum."""
    data_import = DataImport.objects.get(pk=import_id)
    upload = ImportUpload.objects.filter(data_import=data_import).first()
    if upload is None or data_import.status != DataImport.Status.QUEUED:
        return data_import.status  # already run (a retried task): nothing to do
    run_import(data_import, bytes(upload.content))
    upload.delete()
    return data_import.status


@retried_task()
def run_deep_end_rule(application_id: int) -> str:
    """Apply a confirmed Deep End rule (only if its changes are still those confirmed)."""
    return deep_end_rule_run(application_id=application_id).status
