from django.urls import path

from heft.trainees import views

app_name = "trainees"
urlpatterns = [
    path("", views.trainee_list, name="trainee_list"),
    path("me/", views.me, name="me"),
    path("<int:pk>/", views.trainee_detail, name="trainee_detail"),
]
