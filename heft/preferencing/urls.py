from django.urls import path, re_path

from heft.preferencing import views, views_import, views_staff

app_name = "preferencing"
urlpatterns = [
    # Trainees.
    path("", views.my_rotations, name="my_rotations"),
    path("windows/<int:pk>/rank/", views.rank, name="rank"),
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/respond/", views.offer_respond, name="offer_respond"),
    path("offers/<int:pk>/give-up/", views.offer_give_up, name="offer_give_up"),
    # Programme teams.
    path("manage/", views_staff.window_list, name="window_list"),
    path("manage/import/", views_import.trainee_import, name="trainee_import"),
    path("manage/windows/<int:pk>/", views_staff.window_detail, name="window_detail"),
    path("manage/windows/<int:pk>/close/", views_staff.window_close, name="window_close"),
    path("manage/windows/<int:pk>/reopen/", views_staff.window_reopen, name="window_reopen"),
    path("manage/windows/<int:pk>/remind/", views_staff.window_remind, name="window_remind"),
    path("manage/windows/<int:pk>/runs/", views_staff.run_create, name="run_create"),
    path("manage/windows/<int:pk>/refill/", views_staff.refill, name="refill"),
    path("manage/windows/<int:pk>/reallocate/", views_staff.reallocate, name="reallocate"),
    path("manage/windows/<int:pk>/compare/", views_staff.run_compare, name="run_compare"),
    path("manage/windows/<int:pk>/compare.svg", views_staff.run_compare_chart, name="run_compare_chart"),
    path(
        "manage/windows/<int:pk>/memberships/<int:membership_pk>/interrupt/",
        views_staff.membership_interrupt,
        name="membership_interrupt",
    ),
    path(
        "manage/windows/<int:pk>/memberships/<int:membership_pk>/place/",
        views_staff.place_by_hand,
        name="place_by_hand",
    ),
    re_path(
        r"^manage/windows/(?P<pk>\d+)/(?P<what>offers|tis)\.(?P<fmt>csv|xlsx)$",
        views_staff.window_export,
        name="window_export",
    ),
    path("manage/runs/<int:pk>/", views_staff.run_detail, name="run_detail"),
    path("manage/run-requests/<int:pk>/", views_staff.run_request_detail, name="run_request"),
]
