"""Equity exposure in the REST API (under /api/v1/): per trainee, per scheme and per region, within scope."""

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from heft.accounts.permissions import Perm
from heft.api_common.auth import require
from heft.api_common.errors import API_ERRORS
from heft.api_common.pagination import Pagination
from heft.engines.deprivation import Exposure, Summary
from heft.reports.report import equity_report, until_for
from heft.reports.selectors import ExposureRow, GroupSummary, exposure_rows

router = Router(tags=["reports"])


def _quintiles(months: dict) -> dict[str, float]:
    return {str(q) if q else "no_data": round(value, 2) for q, value in months.items()}


class ExposureOut(Schema):
    """Whole-time-equivalent months: in total, in GP practices, Deep End practices and innovative posts."""

    months: float
    gp: float
    deep_end: float
    innovative: float
    by_imd_quintile: dict[str, float]


def _exposure(exposure: Exposure) -> dict:
    return {
        "months": round(exposure.months, 2),
        "gp": round(exposure.gp, 2),
        "deep_end": round(exposure.deep_end, 2),
        "innovative": round(exposure.innovative, 2),
        "by_imd_quintile": _quintiles(exposure.quintiles),
    }


class TraineeExposureOut(Schema):
    trainee_id: int
    gmc_number: str
    name: str
    scheme: str
    region: str
    intake: str
    heft_mode: str
    exposure: ExposureOut

    @staticmethod
    def resolve_name(obj: ExposureRow) -> str:
        return obj.trainee_name

    @staticmethod
    def resolve_exposure(obj: ExposureRow) -> dict:
        return _exposure(obj.exposure)


class DistributionOut(Schema):
    count: int
    mean: float | None
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    low: float | None
    high: float | None


def _distribution(summary: Summary) -> dict:
    return {
        name: None if value is None else round(value, 2) if name != "count" else value
        for name, value in summary.__dict__.items()
    }


class GroupExposureOut(Schema):
    group: str
    heft_mode: str
    trainees: int
    months: DistributionOut
    deep_end: DistributionOut
    innovative: DistributionOut
    mean_by_imd_quintile: dict[str, float]

    @staticmethod
    def resolve_months(obj: GroupSummary) -> dict:
        return _distribution(obj.months)

    @staticmethod
    def resolve_deep_end(obj: GroupSummary) -> dict:
        return _distribution(obj.deep_end)

    @staticmethod
    def resolve_innovative(obj: GroupSummary) -> dict:
        return _distribution(obj.innovative)

    @staticmethod
    def resolve_mean_by_imd_quintile(obj: GroupSummary) -> dict:
        return _quintiles(obj.quintile_means)


@router.get("/exposure/trainees", response={200: list[TraineeExposureOut], **API_ERRORS})
@paginate(Pagination)
def list_trainee_exposure(request, region: str = "", scheme: str = "", intake: str = "", period: str = "all"):
    """Each trainee's equity exposure, for the trainees in the caller's regions or schemes."""
    require(request, Perm.VIEW_REPORTS)
    filters = {"region_code": region, "scheme_code": scheme, "intake": intake}
    return exposure_rows(request.auth, until=until_for(period), **filters)


@router.get(
    "/exposure/trainees/{trainee_id}",
    response={200: list[TraineeExposureOut], **API_ERRORS},
)
def get_trainee_exposure(request, trainee_id: int, period: str = "all"):
    """One trainee's exposure, one entry per programme membership with placements; 404 outside scope."""
    require(request, Perm.VIEW_REPORTS)
    rows = exposure_rows(request.auth, trainee_id=trainee_id, until=until_for(period))
    if not rows:
        return Status(404, {"detail": "Not found."})
    return rows


def _groups(request, by: str, region: str, scheme: str, intake: str, period: str) -> list[GroupSummary]:
    require(request, Perm.VIEW_REPORTS)
    filters = {"region_code": region, "scheme_code": scheme, "intake": intake, "period": period}
    return equity_report(request.auth, by=by, **filters).groups


@router.get("/exposure/schemes", response={200: list[GroupExposureOut], **API_ERRORS})
def list_scheme_exposure(request, region: str = "", scheme: str = "", intake: str = "", period: str = "all"):
    """Distributions of exposure by scheme and HEFT mode: how HEFT trainees compare with the others."""
    return _groups(request, "scheme", region, scheme, intake, period)


@router.get("/exposure/regions", response={200: list[GroupExposureOut], **API_ERRORS})
def list_region_exposure(request, region: str = "", scheme: str = "", intake: str = "", period: str = "all"):
    """Distributions of exposure by region and HEFT mode."""
    return _groups(request, "region", region, scheme, intake, period)
