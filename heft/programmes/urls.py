from django.urls import path

from heft.programmes import views

app_name = "programmes"
urlpatterns = [
    path("schemes/", views.region_list, name="region_list"),
    path("schemes/<slug:code>/", views.scheme_detail, name="scheme_detail"),
    path("rotations/", views.rotation_list, name="rotation_list"),
    path("rotations/<str:code>/", views.rotation_detail, name="rotation_detail"),
    path("rotations/<str:code>/availability/", views.rotation_availability, name="rotation_availability"),
]
