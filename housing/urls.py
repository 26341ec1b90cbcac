from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import health

admin.site.site_header = _("住房保障信息系统 · 系统管理")
admin.site.site_title = _("住房保障信息系统")
admin.site.index_title = _("系统管理")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("housing.accounts.urls")),
    path("office/", include("housing.backoffice.urls")),
    path("office/audit/", include("housing.audit.urls")),
    path("office/archive/", include("housing.archive.urls")),
    path("office/workflow/", include("housing.workflow.urls")),
    path("office/notify/", include("housing.notify.urls")),
    path("office/exchange/", include("housing.exchange.urls")),
    path("office/documents/", include("housing.documents.office_urls")),
    path("documents/", include("housing.documents.urls")),
    path("office/rules/", include("rules.urls")),
    path("office/admission/", include("admission.urls")),
    path("office/allocation/", include("allocation.urls")),
    path("office/content/", include("portal.content.urls")),
    path("office/projects/", include("projects.urls")),
    path("office/plans/", include("projects.plans.urls")),
    path("listings/", include("projects.public_urls")),
    path("portal/messages/", include("housing.notify.portal_urls")),
    path("", include("portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
