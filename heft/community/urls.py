from django.urls import path

from heft.community import views

app_name = "community"
urlpatterns = [
    # Trainees and mentors.
    path("", views.home, name="home"),
    path("interests/", views.interests, name="interests"),
    path("directory/", views.directory, name="directory"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/notes/", views.group_note_add, name="group_note_add"),
    path("groups/<int:pk>/notes/<int:note_pk>/delete/", views.group_note_delete, name="group_note_delete"),
    path("groups/<int:pk>/meetings/", views.group_meeting_add, name="group_meeting_add"),
    path("groups/<int:pk>/meetings/<int:meeting_pk>/", views.group_meeting_edit, name="group_meeting_edit"),
    path(
        "groups/<int:pk>/meetings/<int:meeting_pk>/cancel/",
        views.group_meeting_cancel,
        name="group_meeting_cancel",
    ),
    path("groups/<int:pk>/meetings.ics", views.group_calendar, name="group_calendar"),
    path("opportunities/", views.opportunity_list, name="opportunity_list"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    # Programme teams.
    path("manage/", views.manage, name="manage"),
    path("manage/groups/form/", views.groups_form, name="groups_form"),
    path("manage/groups/<int:pk>/", views.manage_group, name="manage_group"),
    path("manage/groups/<int:pk>/members/", views.manage_group_place, name="manage_group_place"),
    path(
        "manage/groups/<int:pk>/members/<int:trainee_pk>/remove/",
        views.manage_group_remove,
        name="manage_group_remove",
    ),
    path("manage/groups/<int:pk>/lead/", views.manage_group_lead, name="manage_group_lead"),
    path("manage/groups/<int:pk>/meetings/", views.manage_group_meeting, name="manage_group_meeting"),
    path(
        "manage/groups/<int:pk>/meetings/<int:meeting_pk>/",
        views.manage_group_meeting_edit,
        name="manage_group_meeting_edit",
    ),
    path(
        "manage/groups/<int:pk>/meetings/<int:meeting_pk>/cancel/",
        views.manage_group_meeting_cancel,
        name="manage_group_meeting_cancel",
    ),
    path("manage/mentors/", views.mentor_list, name="mentor_list"),
    path("manage/mentors/match/", views.mentor_match, name="mentor_match"),
    path("manage/mentors/assign/", views.assignment_add, name="assignment_add"),
    path("manage/assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("manage/opportunities/", views.opportunity_manage, name="opportunity_manage"),
    path("manage/opportunities/<int:pk>/", views.opportunity_interest, name="opportunity_interest"),
    path("manage/outcomes/", views.outcomes, name="outcomes"),
    path("manage/outcomes/chart.svg", views.outcomes_chart, name="outcomes_chart"),
]
