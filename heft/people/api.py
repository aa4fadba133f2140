"""The REST API for invitations."""

from ninja import Router

router = Router(tags=["people"])
