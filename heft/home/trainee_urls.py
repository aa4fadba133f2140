"""Everything under /trainees/, in the `trainees:` namespace: the trainees app's own routes, and those of a
trainee's record page, which sits here (above trainees) because it gathers from the apps in between."""

from django.urls import path

from heft.home import views_record as views
from heft.trainees.urls import urlpatterns as trainees_urlpatterns

app_name = "trainees"
urlpatterns = [
    *trainees_urlpatterns,
    path("me/", views.me, name="me"),
    path("me/ltft/", views.ltft_apply, name="ltft_apply"),
    path("<int:pk>/", views.trainee_detail, name="trainee_detail"),
    path("<int:pk>/interruptions/", views.interruption_add, name="interruption_add"),
    path(
        "<int:pk>/interruptions/<int:interruption_pk>/return/", views.training_return, name="training_return"
    ),
    path(
        "<int:pk>/interruptions/<int:interruption_pk>/heft-place/",
        views.heft_place_decide,
        name="heft_place_decide",
    ),
    path("<int:pk>/returning-intake/", views.returning_intake, name="returning_intake"),
    path("<int:pk>/ltft/", views.ltft_change_add, name="ltft_change_add"),
    path("<int:pk>/ltft/<int:change_pk>/decision/", views.ltft_change_decide, name="ltft_change_decide"),
    path("<int:pk>/completion/", views.training_complete, name="training_complete"),
    path("<int:pk>/extension/", views.training_extend, name="training_extend"),
    path("<int:pk>/heft-mode/", views.heft_mode, name="heft_mode"),
]
