"""The parts of the REST API every app's endpoints share: authentication, request checks, pagination and
error bodies. Below the apps, so each app's `api.py` builds on it; `heft.api` assembles the apps' routers."""
