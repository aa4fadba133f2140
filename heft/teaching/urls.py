from django.urls import path

from heft.teaching import views

app_name = "teaching"
urlpatterns = [
    # Public: the programme and its calendar feeds (the public site links here).
    path("timetable/", views.public_timetable, name="public_timetable"),
    path("timetable/<slug:region_code>/", views.public_region_timetable, name="public_region_timetable"),
    path("calendar/national.ics", views.feed_national, name="feed_national"),
    path("calendar/region/<slug:region_code>.ics", views.feed_region, name="feed_region"),
    path("calendar/trainee/<str:token>.ics", views.feed_trainee, name="feed_trainee"),
    # Signed in.
    path("", views.home, name="home"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/publish/", views.session_publish, name="session_publish"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/register/", views.register, name="register"),
    path("sessions/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("sessions/<int:pk>/reflection/", views.reflection, name="reflection"),
    path("sessions/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("plan/", views.plan_list, name="plan_list"),
    path("plan/national/", views.plan_national, name="plan_national"),
    path("plan/region/<slug:region_code>/", views.plan_region, name="plan_region"),
    path("plan/publish/", views.publish_drafts, name="publish_drafts"),
    path("feedback/", views.feedback_summary, name="feedback_summary"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("release/", views.release_notice, name="release_notice"),
    path("attendance/", views.attendance, name="attendance"),
    path("attendance/chart.svg", views.attendance_chart, name="attendance_chart"),
    path("attendance/trainees/<int:trainee_id>/", views.trainee_attendance, name="trainee_attendance"),
    path(
        "attendance/trainees/<int:trainee_id>/release/",
        views.trainee_release_notice,
        name="trainee_release_notice",
    ),
]
