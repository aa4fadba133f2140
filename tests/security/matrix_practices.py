"""The records named in the practices routes' addresses in the access matrix (see access_matrix.py): region
A's practice (from matrix_core.py), a refused import in the log and a Deep End rule applied. The statuses are
in docs/security.md.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from heft.practices.models import DataImport, DeepEndRuleApplication
from tests.security.matrix_rules import FormData

URL_KWARGS: dict[str, dict[str, str]] = {
    "practices:import_detail": {"pk": "import_pk"},
    "practices:import_problems": {"pk": "import_pk"},
    "practices:practice_deep_end": {"ods_code": "practice_code"},
    "practices:deep_end_rule_application": {"pk": "rule_application_pk"},
    "api:get_practice_deprivation": {"ods_code": "practice_code"},
    "api:get_import": {"import_id": "import_pk"},
}

# The API's writes: an upload (an empty file: taken in for loading, and refused by the import later).
BODIES = {
    "api:upload_import": lambda v: FormData(
        source="epraccur", file=SimpleUploadedFile("epraccur.csv", b"", content_type="text/csv")
    ),
}


def kwargs(world) -> dict[str, str]:
    """A refused import in the log, and a Deep End rule applied."""
    application = DeepEndRuleApplication.objects.create(
        measure="imd_score",
        method="decile",
        description="The most deprived tenth of practices in England with the highest IMD score",
        data_vintage="IMD 2019",
        status=DeepEndRuleApplication.Status.APPLIED,
        summary={
            "sentence": "1 practice changes: 1 becomes Deep End; no rotation starts or stops counting as HEFT"
        },
        by_label="someone",
    )
    data_import = DataImport.objects.create(
        source=DataImport.Source.EPRACCUR,
        status=DataImport.Status.REFUSED,
        file_name="epraccur.csv",
        checksum="0" * 64,
        size=0,
        by_label="someone",
        problems=[{"line": None, "column": "", "message": "The file is empty."}],
        problem_count=1,
    )
    return {"import_pk": data_import.pk, "rule_application_pk": application.pk}
