from django.contrib import admin
from django.urls import include, path

from heft.accounts import views as account_views
from heft.api.api import api_urls
from heft.core.admin import put_third_party_admins_behind_permissions
from heft.home import health
from heft.home import views as home_views

handler400 = "heft.core.views.bad_request"
handler403 = "heft.core.views.permission_denied"
handler404 = "heft.core.views.page_not_found"
handler500 = "heft.core.views.server_error"

admin.site.site_header = "HEFT Hub administration"
admin.site.site_title = "HEFT Hub admin"
put_third_party_admins_behind_permissions()

urlpatterns = [
    path("", home_views.home, name="home"),
    path("home/", include("heft.home.urls")),
    path("healthz", health.healthz, name="healthz"),
    # Before django-allauth's own: its page for adding and changing email addresses is closed.
    path("accounts/email/", account_views.email_address, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("tokens/", include("heft.accounts.urls")),
    path("programmes/", include("heft.programmes.urls")),
    path("practices/", include("heft.practices.urls")),
    path("trainees/", include("heft.home.trainee_urls")),
    path("audit/", include("heft.audit_log.urls")),
    path("privacy/", include("heft.privacy.urls")),
    path("preferences/", include("heft.preferencing.urls")),
    path("teaching/", include("heft.teaching.urls")),
    path("community/", include("heft.community.urls")),
    path("reports/", include("heft.reports.urls")),
    path("setup/", include("heft.setup.urls")),
    path("people/", include("heft.people.urls")),
    path("", include("heft.content.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls()),
]
