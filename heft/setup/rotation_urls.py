"""The rotation pages of set-up (views in views_rotations.py)."""

from django.urls import path

from heft.setup import views_rotations as views

urlpatterns = [
    path("rotations/new/", views.rotation_new, name="rotation_new"),
    path("rotations/copy/", views.rotation_copy, name="rotation_copy"),
    path("rotations/<str:code>/edit/", views.rotation_edit, name="rotation_edit"),
]
