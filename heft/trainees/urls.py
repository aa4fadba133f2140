from django.urls import path

from heft.trainees import views

# Mounted under /trainees/ by heft/home/trainee_urls.py, beside the record page's routes.
app_name = "trainees"
urlpatterns = [
    path("", views.trainee_list, name="trainee_list"),
    path("<int:pk>/cct/", views.cct_recalculate, name="cct_recalculate"),
    path("<int:pk>/invite/", views.trainee_invite, name="trainee_invite"),
]
