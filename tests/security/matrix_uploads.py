"""The records named in the addresses of the uploads routes in the access matrix (see access_matrix.py): the
template download names its kind and format. The statuses are in docs/security.md."""

URL_KWARGS: dict[str, dict[str, str]] = {
    "setup:upload_template": {"kind": "upload_template_kind", "fmt": "upload_template_fmt"},
}
BODIES: dict[str, object] = {}


def kwargs(world) -> dict[str, str]:
    """The rotations template as a workbook (the posts one and CSV take the same code path)."""
    return {"upload_template_kind": "rotations", "upload_template_fmt": "xlsx"}
