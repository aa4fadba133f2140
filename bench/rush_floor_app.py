"""The deadline rush's floor: a bare Django view that writes what a save writes (the window locked in
shared mode, the trainee's list upserted and locked, its ranked rows replaced, its version bumped, an audit
row) in one transaction, and nothing else: no session, CSRF, sign-in, permission check or rate limit.

Served by `bench.rush_floor` under gunicorn with DJANGO_SETTINGS_MODULE=bench.rush_floor_settings (the app's
settings with this module's URLs and no middleware). It is never part of the app. The
client names the trainee in the body, as the app learns it from the session.
"""

import json

from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone

_WINDOW = """
    SELECT w.closes_at FROM preferencing_preferencewindow w
    WHERE w.id = %s AND EXISTS (
        SELECT 1 FROM trainees_programmemembership m
        WHERE m.trainee_id = %s AND m.scheme_id = w.scheme_id AND m.intake = w.intake)
    FOR SHARE OF w"""
_ROTATIONS = """
    SELECT r.code, r.id FROM programmes_rotation r JOIN preferencing_preferencewindow w
      ON r.scheme_id = w.scheme_id AND r.intake = w.intake
    WHERE w.id = %s AND r.code = ANY(%s)"""
_LIST = """
    INSERT INTO preferencing_preferencelist (window_id, trainee_id, status, version)
    VALUES (%s, %s, 'draft', 0)
    ON CONFLICT (window_id, trainee_id) DO UPDATE SET version = preferencing_preferencelist.version
    RETURNING id, version"""
_AUDIT = """
    INSERT INTO audit_auditevent (actor_id, actor_label, verb, target_type, target_id, before, after, at)
    VALUES (NULL, 'floor', 'preferences.submitted', 'preferencing.preferencelist', %s, %s, %s, %s)"""


def save(request, window_id: int):
    body = json.loads(request.body)
    trainee, codes = body["trainee"], body["rotations"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_WINDOW, [window_id, trainee])
        if cursor.fetchone() is None:
            return JsonResponse({"detail": "not rankable"}, status=404)
        cursor.execute(_ROTATIONS, [window_id, codes])
        ids = dict(cursor.fetchall())
        cursor.execute(_LIST, [window_id, trainee])
        list_id, version = cursor.fetchone()
        if body.get("version") is not None and body["version"] != version:
            return JsonResponse({"detail": "version"}, status=409)
        _replace(cursor, window_id, trainee, [ids[code] for code in codes])
        now = timezone.now()
        cursor.execute(
            "UPDATE preferencing_preferencelist SET version = %s, saved_at = %s, status = 'submitted',"
            " submitted_at = %s WHERE id = %s",
            [version + 1, now, now, list_id],
        )
        before = json.dumps({"status": "draft", "version": version})
        after = json.dumps({"status": "submitted", "version": version + 1, "ranked": codes})
        cursor.execute(_AUDIT, [str(list_id), before, after, now])
    return JsonResponse(
        {"window": window_id, "rotations": codes, "status": "submitted", "version": version + 1}
    )


def _replace(cursor, window_id: int, trainee: int, rotation_ids: list[int]) -> None:
    cursor.execute(
        "DELETE FROM preferencing_preference WHERE window_id = %s AND trainee_id = %s", [window_id, trainee]
    )
    rows = [(window_id, trainee, rotation, rank) for rank, rotation in enumerate(rotation_ids, 1)]
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    cursor.execute(
        f"INSERT INTO preferencing_preference (window_id, trainee_id, rotation_id, rank) VALUES {values}",  # noqa: S608
        [value for row in rows for value in row],
    )


def healthz(request):
    return HttpResponse("ok")


def read(request, window_id: int):
    """The warm-up's GET: opens the worker's database connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"window": window_id, "version": 0})


def dispatch(request, window_id: int):
    return save(request, window_id) if request.method == "PUT" else read(request, window_id)


urlpatterns = [
    path("healthz", healthz),
    path("api/v1/windows/<int:window_id>/preferences", dispatch),
]
