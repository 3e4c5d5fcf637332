"""Root URLs."""
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("制造业惠企政策平台 · 管理后台")
admin.site.site_title = _("惠企政策平台管理")
admin.site.index_title = _("管理")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("applications.urls")),
    path("verify/", include("applications.views.verify")),
    path("", include("applications.urls_applying")),
    path("", include("applications.urls_review")),
    path("", include("incentives.urls")),
]
