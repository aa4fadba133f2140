"""Background work (django-tasks): an uploaded file is loaded by the worker, away from the web request."""

from heft.core.tasks import retried_task
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
