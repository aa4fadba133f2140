"""The post pages of set-up (views in views_posts.py)."""

from django.urls import path

from heft.setup import views_posts as views

urlpatterns = [
    path("posts/", views.post_list, name="post_list"),
    path("posts/new/", views.post_new, name="post_new"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
]
