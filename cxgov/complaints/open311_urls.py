"""Open311 GeoReport v2 URLs, mounted at /open311/v2/ outside the language prefixes."""

from django.urls import re_path

from cxgov.complaints import open311

app_name = "open311"

urlpatterns = [
    re_path(r"^discovery\.(?P<fmt>[a-z]+)$", open311.discovery, name="discovery"),
    re_path(r"^services\.(?P<fmt>[a-z]+)$", open311.service_list, name="services"),
    re_path(
        r"^services/(?P<service_code>[^/.]+)\.(?P<fmt>[a-z]+)$",
        open311.service_definition,
        name="service_definition",
    ),
    re_path(r"^requests\.(?P<fmt>[a-z]+)$", open311.requests, name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[^/.]+)\.(?P<fmt>[a-z]+)$",
        open311.request_detail,
        name="request",
    ),
    re_path(r"^tokens/(?P<token>[^/.]+)\.(?P<fmt>[a-z]+)$", open311.token_detail, name="token"),
]
