from django.urls import path, re_path

from heft.setup import views_uploads

urlpatterns = [
    path("upload/", views_uploads.upload, name="upload"),
    path("upload/posts/", views_uploads.upload_posts, name="upload_posts"),
    path("upload/rotations/", views_uploads.upload_rotations, name="upload_rotations"),
    re_path(
        r"^upload/templates/(?P<kind>posts|rotations)\.(?P<fmt>csv|xlsx)$",
        views_uploads.upload_template,
        name="upload_template",
    ),
]
