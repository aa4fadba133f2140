"""Mounted at the site root: the public programme site, and the editors' pages under /content/manage/."""

from django.urls import path

from heft.content import views

app_name = "content"
urlpatterns = [
    path("what-is-heft/", views.what_is_heft, name="what_is_heft"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/<slug:region_code>/", views.region_detail, name="region_detail"),
    path("regions/<slug:region_code>/schemes/<slug:scheme_code>/", views.scheme_detail, name="scheme_detail"),
    path("testimonials/", views.testimonial_list, name="testimonial_list"),
    path("news/", views.news_list, name="news_list"),
    path("news/feed/", views.news_feed, name="news_feed"),
    path("news/feed/atom/", views.news_feed_atom, name="news_feed_atom"),
    path("news/<slug:slug>/", views.news_detail, name="news_detail"),
    path("pages/<slug:slug>/", views.page_detail, name="page_detail"),
    path("contact/", views.contact, name="contact"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("content/manage/", views.manage, name="manage"),
]

# The same four editing pages for each kind of content: pages, news items and testimonials.
for _kind, _prefix in (("page", "pages"), ("news", "news"), ("testimonial", "testimonials")):
    _base = f"content/manage/{_prefix}/"
    urlpatterns += [
        path(f"{_base}new/", views.item_create, {"kind": _kind}, name=f"{_kind}_create"),
        path(f"{_base}<int:pk>/", views.item_manage, {"kind": _kind}, name=f"{_kind}_manage"),
        path(f"{_base}<int:pk>/edit/", views.item_edit, {"kind": _kind}, name=f"{_kind}_edit"),
        path(f"{_base}<int:pk>/publish/", views.item_publish, {"kind": _kind}, name=f"{_kind}_publish"),
    ]
