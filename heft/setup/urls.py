"""Set-up pages: each part keeps its routes beside its views."""

from heft.setup import post_urls, rotation_urls, structure_urls, upload_urls

app_name = "setup"
urlpatterns = [
    *structure_urls.urlpatterns,
    *post_urls.urlpatterns,
    *rotation_urls.urlpatterns,
    *upload_urls.urlpatterns,
]
