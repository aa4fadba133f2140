from django.urls import path

from heft.home import views

app_name = "home"
urlpatterns = [
    path("windows/<int:pk>/not-submitted.csv", views.window_chase_csv, name="window_chase_csv"),
]
