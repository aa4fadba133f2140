from django.urls import path

from heft.community.views import groups, home, meetings, mentors, opportunities, outcomes

app_name = "community"
urlpatterns = [
    # Trainees and mentors.
    path("", home.home, name="home"),
    path("interests/", home.interests, name="interests"),
    path("directory/", home.directory, name="directory"),
    path("groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/notes/", groups.group_note_add, name="group_note_add"),
    path("groups/<int:pk>/notes/<int:note_pk>/delete/", groups.group_note_delete, name="group_note_delete"),
    path("groups/<int:pk>/meetings/", meetings.group_meeting_add, name="group_meeting_add"),
    path(
        "groups/<int:pk>/meetings/<int:meeting_pk>/", meetings.group_meeting_edit, name="group_meeting_edit"
    ),
    path(
        "groups/<int:pk>/meetings/<int:meeting_pk>/cancel/",
        meetings.group_meeting_cancel,
        name="group_meeting_cancel",
    ),
    path("groups/<int:pk>/meetings.ics", groups.group_calendar, name="group_calendar"),
    path("opportunities/", opportunities.opportunity_list, name="opportunity_list"),
    path("opportunities/<int:pk>/", opportunities.opportunity_detail, name="opportunity_detail"),
    # Programme teams.
    path("manage/", home.manage, name="manage"),
    path("manage/groups/form/", groups.groups_form, name="groups_form"),
    path("manage/groups/<int:pk>/", groups.manage_group, name="manage_group"),
    path("manage/groups/<int:pk>/members/", groups.manage_group_place, name="manage_group_place"),
    path(
        "manage/groups/<int:pk>/members/<int:trainee_pk>/remove/",
        groups.manage_group_remove,
        name="manage_group_remove",
    ),
    path("manage/groups/<int:pk>/lead/", groups.manage_group_lead, name="manage_group_lead"),
    path("manage/groups/<int:pk>/meetings/", meetings.manage_group_meeting, name="manage_group_meeting"),
    path(
        "manage/groups/<int:pk>/meetings/<int:meeting_pk>/",
        meetings.manage_group_meeting_edit,
        name="manage_group_meeting_edit",
    ),
    path(
        "manage/groups/<int:pk>/meetings/<int:meeting_pk>/cancel/",
        meetings.manage_group_meeting_cancel,
        name="manage_group_meeting_cancel",
    ),
    path("manage/mentors/", mentors.mentor_list, name="mentor_list"),
    path("manage/mentors/match/", mentors.mentor_match, name="mentor_match"),
    path("manage/mentors/assign/", mentors.assignment_add, name="assignment_add"),
    path("manage/assignments/<int:pk>/end/", mentors.assignment_end, name="assignment_end"),
    path("manage/opportunities/", opportunities.opportunity_manage, name="opportunity_manage"),
    path("manage/opportunities/<int:pk>/", opportunities.opportunity_interest, name="opportunity_interest"),
    path("manage/outcomes/", outcomes.outcomes, name="outcomes"),
    path("manage/outcomes/chart.svg", outcomes.outcomes_chart, name="outcomes_chart"),
]
