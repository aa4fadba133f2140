"""The set-up writes of the REST API: schemes, posts and rotations with their slots."""

from ninja import Router

router = Router(tags=["set-up"])
