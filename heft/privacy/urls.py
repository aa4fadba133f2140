from django.urls import path

from heft.privacy import views

app_name = "privacy"
urlpatterns = [
    # Trainees: their own data.
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export.json", views.my_data_json, name="my_data_json"),
    # Programme teams: subject access requests, within scope.
    path("", views.home, name="home"),
    path("trainees/<int:pk>/", views.trainee_export, name="trainee_export"),
    path("trainees/<int:pk>/export.json", views.trainee_export_json, name="trainee_export_json"),
    # National admins: the retention review queue.
    path("retention/", views.retention_list, name="retention_list"),
    path("retention/<int:pk>/", views.retention_review, name="retention_review"),
]
