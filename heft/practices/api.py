"""Practices' deprivation, the Deep End rule and public data imports in the REST API (under /api/v1/)."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from heft.accounts.permissions import Perm
from heft.api_common.auth import require
from heft.api_common.errors import API_ERRORS, ErrorOut
from heft.api_common.pagination import Pagination
from heft.practices.forms import MAX_UPLOAD_BYTES
from heft.practices.schemas import PracticeOut
from heft.practices.selectors import imports_in_full, imports_list, practices_list, rules_applied
from heft.practices.services import data_import_upload

router = Router(tags=["practices"])
ERRORS = API_ERRORS


@router.get("/practices", response={200: list[PracticeOut], **ERRORS})
@paginate(Pagination)
def list_practices(request, search: str = "", deep_end_only: bool = False):
    require(request, Perm.VIEW_PRACTICES)
    return practices_list(search=search[:100], deep_end_only=deep_end_only)


@router.get("/practices/{ods_code}", response={200: PracticeOut, **ERRORS})
def get_practice(request, ods_code: str):
    require(request, Perm.VIEW_PRACTICES)
    return get_object_or_404(practices_list(), ods_code=ods_code)


class PracticeDeprivationOut(Schema):
    ods_code: str
    name: str
    status: str
    region: str | None
    list_size: int | None
    imd_score: Decimal | None
    imd_decile: int | None
    imd_quintile: int | None
    deprivation_vintage: str
    share_most_deprived_10: Decimal | None
    share_most_deprived_15: Decimal | None
    share_most_deprived_20: Decimal | None
    shares_vintage: str
    is_deep_end: bool
    deep_end_by_rule: bool | None
    deep_end_rule: str
    deep_end_reason: str
    deep_end_override: bool | None
    deep_end_override_reason: str

    @staticmethod
    def resolve_region(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_share_most_deprived_10(obj):
        return obj.most_deprived_share

    @staticmethod
    def resolve_share_most_deprived_15(obj):
        return obj.deprived_15_share

    @staticmethod
    def resolve_share_most_deprived_20(obj):
        return obj.deprived_20_share


class DeepEndRuleOut(Schema):
    id: int
    description: str
    measure: str
    method: str
    top_n: int | None
    per_region: bool
    data_vintage: str
    assessed: int
    deep_end: int
    changed: int
    by: str
    applied_at: datetime

    @staticmethod
    def resolve_by(obj) -> str:
        return obj.by_label


class ImportOut(Schema):
    id: int
    source: str
    status: str
    file_name: str
    checksum: str
    size: int
    rows: int | None
    vintage: str
    stage: str
    percent_done: int
    by: str
    created_at: datetime
    finished_at: datetime | None
    problem_count: int

    @staticmethod
    def resolve_by(obj) -> str:
        return obj.by_label


class ProblemOut(Schema):
    line: int | None
    column: str
    message: str


class ImportDetailOut(ImportOut):
    summary: dict
    problems: list[ProblemOut]


@router.get("/deprivation/practices", response={200: list[PracticeDeprivationOut], **ERRORS})
@paginate(Pagination)
def list_practice_deprivation(request, search: str = "", deep_end_only: bool = False, region: str = ""):
    """Every practice's deprivation figures and Deep End status, with the rule and reason behind it."""
    require(request, Perm.VIEW_PRACTICES)
    return practices_list(search=search[:100], deep_end_only=deep_end_only, region_code=region)


@router.get("/deprivation/practices/{ods_code}", response={200: PracticeDeprivationOut, **ERRORS})
def get_practice_deprivation(request, ods_code: str):
    require(request, Perm.VIEW_PRACTICES)
    return get_object_or_404(practices_list(), ods_code=ods_code)


@router.get("/deprivation/deep-end-rules", response={200: list[DeepEndRuleOut], **ERRORS})
@paginate(Pagination)
def list_deep_end_rules(request):
    """The Deep End rules applied, newest first: the first is the one in force."""
    require(request, Perm.VIEW_PRACTICES)
    return rules_applied()


@router.get("/imports", response={200: list[ImportOut], **ERRORS})
@paginate(Pagination)
def list_imports(request):
    """The import log: every public data file loaded or tried, newest first."""
    require(request, Perm.IMPORT_DATA)
    return imports_list()


@router.post("/imports", response={202: ImportOut, 400: ErrorOut, **ERRORS})
def upload_import(request, source: Form[str], file: File[UploadedFile]):
    """Upload a file to load in the background; follow its progress at /imports/{id}."""
    require(request, Perm.IMPORT_DATA)
    if file.size > MAX_UPLOAD_BYTES:
        raise HttpError(400, "The file is larger than 200 MB.")
    try:
        data_import = data_import_upload(
            source=source, file_name=file.name, data=file.read(), by=request.auth
        )
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from None
    return Status(202, data_import)


@router.get("/imports/{import_id}", response={200: ImportDetailOut, **ERRORS})
def get_import(request, import_id: int):
    """One import: its status and progress while it runs, then what it changed or every problem found."""
    require(request, Perm.IMPORT_DATA)
    return get_object_or_404(imports_in_full(), pk=import_id)
