"""The records named in the addresses of the set-up API's writes in the access matrix (see access_matrix.py):
scheme A, rotation A and its post. The statuses are in docs/security.md.

Each body that creates a record gives it a new code, so that every role allowed to create one gets 201
rather than finding the code taken by the role before it.
"""

import itertools

URL_KWARGS: dict[str, dict[str, str]] = {
    "api:update_scheme": {"code": "setup_api_scheme_code"},
    "api:update_post": {"post_id": "setup_api_post_id"},
    "api:replace_rotation": {"code": "setup_api_rotation_code"},
    "api:change_rotation_availability": {"code": "setup_api_rotation_code"},
}

_numbers = itertools.count(1)


def _slots(values) -> list[dict]:
    return [
        {
            "training_year": "ST1",
            "start_month": 1,
            "months": 6,
            "post_number": values["setup_api_post_number"],
        }
    ]


# The API's writes, with bodies each role could send.
BODIES = {
    "api:create_scheme": lambda v: {
        "code": f"matrix-{next(_numbers)}",
        "name": "Matrix",
        "region": "region-a",
    },
    "api:update_scheme": lambda v: {"name": "Scheme A, renamed"},
    "api:create_post": lambda v: {
        "post_number": f"MATRIX/{next(_numbers)}",
        "scheme": "scheme-a",
        "category": "psychiatry",
        "site": "Ward 1",
    },
    "api:update_post": lambda v: {"site": "Ward 2"},
    "api:create_rotation": lambda v: {
        "code": f"MATRIX-{next(_numbers)}",
        "name": "Matrix rotation",
        "scheme": "scheme-a",
        "intake": "2027-08",
        "slots": _slots(v),
    },
    "api:replace_rotation": lambda v: {
        "name": "Rotation A",
        "scheme": "scheme-a",
        "intake": "2026-08",
        "slots": _slots(v),
    },
    "api:change_rotation_availability": lambda v: {
        "availability": "subject_to_change",
        "reason": "The practice may close.",
    },
}


def kwargs(world) -> dict[str, str]:
    post = world.rotation_a.slots.get().post
    return {
        "setup_api_scheme_code": world.scheme_a.code,
        "setup_api_rotation_code": world.rotation_a.code,
        "setup_api_post_id": post.pk,
        "setup_api_post_number": post.post_number,
    }
