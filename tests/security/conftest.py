import pytest

from tests.security.access_matrix import APP_MATRICES
from tests.security.records import build_records


@pytest.fixture
def kwarg_values(world):
    """The records the access matrix's addresses name, made by each matrix_<app>.py, by fixture name."""
    values = {}
    for matrix in APP_MATRICES:
        values.update(matrix.kwargs(world))
    return values


@pytest.fixture
def records(world):
    """Twins of every kind of record across the scope lines (see records.py)."""
    return build_records(world)
