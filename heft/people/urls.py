from django.urls import path

from heft.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("invite/", views.invite, name="invite"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("roles/<int:pk>/", views.role_edit, name="role_edit"),
    path("roles/<int:pk>/remove/", views.role_remove, name="role_remove"),
    # The link in an invitation email (heft.accounts.invitations.invitation_link): open to everyone.
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
