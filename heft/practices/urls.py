from django.urls import path

from heft.practices import views

app_name = "practices"
urlpatterns = [
    path("", views.practice_list, name="practice_list"),
    path("<str:ods_code>/", views.practice_detail, name="practice_detail"),
]
