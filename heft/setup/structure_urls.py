"""The structure pages of set-up: the hub, regions and schools, schemes and their intakes, the post
catalogue (views in views_structure.py)."""

from django.urls import path

from heft.setup import views_structure as views

urlpatterns = [
    path("", views.home, name="home"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/new/", views.region_new, name="region_new"),
    path("regions/<slug:code>/edit/", views.region_edit, name="region_edit"),
    path("regions/<slug:code>/schools/new/", views.school_new, name="school_new"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school_edit"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<slug:code>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<slug:code>/intakes/", views.scheme_intakes, name="scheme_intakes"),
    path("post-categories/", views.category_list, name="category_list"),
    path("post-categories/new/", views.category_new, name="category_new"),
    path("post-categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("post-categories/<int:category_pk>/subtypes/new/", views.subtype_new, name="subtype_new"),
    path("post-subtypes/<int:pk>/edit/", views.subtype_edit, name="subtype_edit"),
]
