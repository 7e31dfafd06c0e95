"""Django admin, for site administrators (superusers) only; agency staff use the staff pages."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class SiteAdminSite(admin.AdminSite):
    site_header = "cxgov site administration"
    site_title = "cxgov site admin"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)


class SiteAdminConfig(AdminConfig):
    default_site = "cxgov.core.admin_site.SiteAdminSite"
