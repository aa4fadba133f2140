import re
from pathlib import Path

import pytest

from heft.practices.deep_end import RuleChoice
from heft.practices.selectors import deep_end_rule_preview
from heft.practices.services import data_import_run_file, deep_end_rule_apply
from tests import factories as f

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
SAMPLE_FILES = {
    "epraccur": "epraccur.csv",
    "fingertips": "fingertips-93553.csv",
    "iod": "iod2019-file7.csv",
    "lsoa_patients": "gp-reg-pat-prac-lsoa-all.csv",
}


def gp_post(practice, scheme):
    category = f.CategoryFactory(code="gp-practice", name="GP practice", kind="gp")
    return f.PostFactory(practice=practice, scheme=scheme, category=category, site="")


def apply_rule(by, **rule):
    """Apply a Deep End rule as a person does: look at its preview, then confirm those changes."""
    choice = RuleChoice(**rule)
    return deep_end_rule_apply(choice=choice, expected=deep_end_rule_preview(choice).digest, by=by)


def shown_digest(response) -> str:
    """The digest of the changes a preview page showed, as its form posts it on."""
    return re.search(r'name="expected" value="([0-9a-f]{64})"', response.content.decode()).group(1)


def sample(source: str) -> bytes:
    return (SAMPLES / SAMPLE_FILES[source]).read_bytes()


@pytest.fixture
def nhs_regions(db):
    """The HEFT regions the samples' NHS region codes (Y58, Y61) map to."""
    return {
        "Y58": f.RegionFactory(code="south-west", name="South West"),
        "Y61": f.RegionFactory(code="east-of-england", name="East of England"),
    }


@pytest.fixture
def admin(world):
    return world.user("national_admin")


@pytest.fixture
def load(admin):
    """Load a file (a sample by default) as the national admin; returns the import log entry."""

    def run(source: str, data: bytes | None = None, file_name: str = "upload.csv"):
        data = sample(source) if data is None else data
        return data_import_run_file(source=source, file_name=file_name, data=data, by=admin)

    return run


@pytest.fixture
def loaded(nhs_regions, load):
    """All four sample files, loaded in order."""
    return {source: load(source) for source in SAMPLE_FILES}
