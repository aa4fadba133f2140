"""This app's part of the REST API (mounted under /api/v1/ by heft/api/api.py)."""

from ninja import Router

router = Router(tags=["trainees"])
