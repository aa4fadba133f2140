from django.urls import path

from heft.practices import views

app_name = "practices"
urlpatterns = [
    path("", views.practice_list, name="practice_list"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/problems.csv", views.import_problems, name="import_problems"),
    path("deep-end-rule/", views.deep_end_rule, name="deep_end_rule"),
    path("deep-end-rule/preview/", views.deep_end_rule_preview, name="deep_end_rule_preview"),
    path("deep-end-rule/apply/", views.deep_end_rule_apply, name="deep_end_rule_apply"),
    path("deep-end-rule/<int:pk>/", views.deep_end_rule_application, name="deep_end_rule_application"),
    # Practice codes last: they would match the words above.
    path("<str:ods_code>/", views.practice_detail, name="practice_detail"),
    path("<str:ods_code>/deep-end/", views.practice_deep_end, name="practice_deep_end"),
]
