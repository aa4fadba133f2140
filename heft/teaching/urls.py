from django.urls import path

from heft.teaching.views import attendance, plans, public, registers, release, sessions, trainee

app_name = "teaching"
urlpatterns = [
    # Public: the programme and its calendar feeds (the public site links here).
    path("timetable/", public.public_timetable, name="public_timetable"),
    path("timetable/<slug:region_code>/", public.public_region_timetable, name="public_region_timetable"),
    path("calendar/national.ics", public.feed_national, name="feed_national"),
    path("calendar/region/<slug:region_code>.ics", public.feed_region, name="feed_region"),
    path("calendar/trainee/<str:token>.ics", public.feed_trainee, name="feed_trainee"),
    # Signed in.
    path("", sessions.home, name="home"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/publish/", sessions.session_publish, name="session_publish"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/register/", registers.register, name="register"),
    path("sessions/<int:pk>/register/import/", registers.register_import, name="register_import"),
    path("sessions/<int:pk>/check-in/", trainee.check_in, name="check_in"),
    path("sessions/<int:pk>/reflection/", trainee.reflection, name="reflection"),
    path("sessions/<int:pk>/feedback/", trainee.feedback, name="feedback"),
    path("plan/", plans.plan_list, name="plan_list"),
    path("plan/national/", plans.plan_national, name="plan_national"),
    path("plan/national/joining-link/", plans.online_links, name="national_online_links"),
    path("plan/region/<slug:region_code>/", plans.plan_region, name="plan_region"),
    path("plan/region/<slug:region_code>/joining-link/", plans.online_links, name="region_online_links"),
    path("plan/publish/", plans.publish_drafts, name="publish_drafts"),
    path("feedback/", registers.feedback_summary, name="feedback_summary"),
    path("calendar/", trainee.calendar, name="calendar"),
    path("calendar/revoke/", trainee.calendar_revoke, name="calendar_revoke"),
    path("release/", release.release_notice, name="release_notice"),
    path("release/years/<int:year_id>/", release.release_notices, name="release_notices"),
    path(
        "release/years/<int:year_id>/placements/<int:placement_id>/supervisor/",
        release.release_supervisor,
        name="release_supervisor",
    ),
    path("release/batches/<int:pk>/", release.release_batch, name="release_batch"),
    path("attendance/", attendance.attendance, name="attendance"),
    path("attendance/chart.svg", attendance.attendance_chart, name="attendance_chart"),
    path("attendance/trainees/<int:trainee_id>/", attendance.trainee_attendance, name="trainee_attendance"),
    path(
        "attendance/trainees/<int:trainee_id>/release/",
        release.trainee_release_notice,
        name="trainee_release_notice",
    ),
]
