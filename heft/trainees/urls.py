from django.urls import path

from heft.trainees import views

app_name = "trainees"
urlpatterns = [
    path("", views.trainee_list, name="trainee_list"),
    path("me/", views.me, name="me"),
    path("<int:pk>/", views.trainee_detail, name="trainee_detail"),
    path("<int:pk>/interruptions/", views.interruption_add, name="interruption_add"),
    path(
        "<int:pk>/interruptions/<int:interruption_pk>/return/", views.training_return, name="training_return"
    ),
    path("<int:pk>/ltft/", views.ltft_change_add, name="ltft_change_add"),
    path("<int:pk>/ltft/<int:change_pk>/approve/", views.ltft_change_approve, name="ltft_change_approve"),
    path("<int:pk>/cct/", views.cct_recalculate, name="cct_recalculate"),
    path("<int:pk>/invite/", views.trainee_invite, name="trainee_invite"),
    path("<int:pk>/heft-mode/", views.heft_mode, name="heft_mode"),
]
