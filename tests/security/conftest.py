import pytest

from heft.accounts.services import api_token_create
from tests import factories as f
from tests.security.access_matrix import APP_MATRICES


@pytest.fixture
def kwarg_values(world):
    someone_else = f.RoleFactory(role="national_admin").user
    token, _ = api_token_create(name="someone else's", by=someone_else)
    values = {
        "scheme_a_code": world.scheme_a.code,
        "rotation_a_code": world.rotation_a.code,
        "practice_code": world.practice.ods_code,
        "trainee_a2_pk": world.trainee_a2.pk,
        "other_token_pk": token.pk,
        "confirm_key": "not-a-real-key",
        "uidb36": "0",
        "reset_key": "not-a-real-key",
    }
    for matrix in APP_MATRICES:
        values.update(matrix.kwargs(world))
    return values
