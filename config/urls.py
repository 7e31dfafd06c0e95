"""URL map: the public site and staff pages in English (no prefix) and Spanish (/es/), then API."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from cxgov.api.api import api
from cxgov.api.common import unknown_path
from cxgov.api.scim import api as scim_api
from cxgov.api.scim import unknown_path as scim_unknown_path
from cxgov.core.oidc import OidcCallbackView, OidcStartView
from cxgov.core.views_saml import saml_acs, saml_login, saml_metadata

urlpatterns = [
    path("api/v1/", api.urls),
    # Any other path under /api/ answers the API's JSON 404, not the site's HTML page.
    re_path(r"^api/", unknown_path, name="api_unknown_path"),
    # SCIM 2.0 provisioning of an agency's members by its identity provider (docs/scim.md).
    path("scim/v2/", scim_api.urls),
    re_path(r"^scim/", scim_unknown_path, name="scim_unknown_path"),
    path("oidc/authenticate/", OidcStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", OidcCallbackView.as_view(), name="oidc_callback"),
    # SAML 2.0 single sign-on (decision 0033): fixed paths, as the provider is configured with them.
    path("saml/login/", saml_login, name="saml_login"),
    path("saml/acs/", saml_acs, name="saml_acs"),
    path("saml/metadata/", saml_metadata, name="saml_metadata"),
    path("site-admin/", admin.site.urls),
    path("open311/v2/", include("cxgov.complaints.open311_urls")),
    path("", include("cxgov.public.urls_feeds")),
]

urlpatterns += i18n_patterns(
    path("", include("cxgov.core.urls")),
    path("staff/oversight/maturity/", include("cxgov.maturity.urls_oversight")),
    path("staff/oversight/life-experiences/", include("cxgov.journeys.urls_oversight")),
    path("staff/oversight/", include("cxgov.reports.urls_oversight")),
    path("staff/agencies/<slug:slug>/", include("cxgov.registry.urls")),
    path("staff/agencies/<slug:slug>/complaints/", include("cxgov.complaints.urls")),
    path("staff/agencies/<slug:slug>/benchmarks/", include("cxgov.benchmarks.urls")),
    path("staff/agencies/<slug:slug>/results/", include("cxgov.surveys.results.urls")),
    path("staff/agencies/<slug:slug>/surveys/", include("cxgov.surveys.urls")),
    path("staff/agencies/<slug:slug>/standards/", include("cxgov.standards.urls")),
    path("staff/agencies/<slug:slug>/a11/", include("cxgov.a11.urls")),
    path("staff/agencies/<slug:slug>/reports/", include("cxgov.reports.urls")),
    path("staff/agencies/<slug:slug>/plans/", include("cxgov.plans.urls")),
    path("staff/agencies/<slug:slug>/actions/", include("cxgov.actions.urls")),
    path("staff/agencies/<slug:slug>/maturity/", include("cxgov.maturity.urls")),
    path("staff/agencies/<slug:slug>/journeys/", include("cxgov.journeys.urls")),
    path("staff/agencies/<slug:slug>/webhooks/", include("cxgov.webhooks.urls")),
    path("staff/agencies/<slug:slug>/translations/", include("cxgov.site.urls")),
    path("", include("cxgov.public.urls")),
    prefix_default_language=False,
)
