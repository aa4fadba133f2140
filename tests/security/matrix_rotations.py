"""The records named in the addresses of the set-up routes for posts and rotations in the access matrix
(see access_matrix.py): a post of scheme A (the one region A's rotation holds) and that rotation. The
statuses are in docs/security.md."""

URL_KWARGS: dict[str, dict[str, str]] = {
    "setup:post_edit": {"pk": "scheme_a_post_pk"},
    "setup:rotation_edit": {"code": "scheme_a_rotation_code"},
}
BODIES: dict[str, object] = {}


def kwargs(world) -> dict[str, str]:
    return {
        "scheme_a_post_pk": world.rotation_a.slots.get().post_id,
        "scheme_a_rotation_code": world.rotation_a.code,
    }
