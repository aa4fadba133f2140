from django.urls import path

from heft.reports import views

app_name = "reports"
urlpatterns = [
    path("equity/", views.equity, name="equity"),
    path("equity/export/", views.equity_export, name="equity_export"),
]
