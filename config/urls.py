"""URL map: the public site and staff pages in English (no prefix) and Spanish (/es/), then API."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from cxgov.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("site-admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", include("cxgov.core.urls")),
    path("staff/agencies/<slug:slug>/", include("cxgov.registry.urls")),
    path("", include("cxgov.public.urls")),
    prefix_default_language=False,
)
