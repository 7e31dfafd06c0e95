"""Machine-readable feeds: the same address in every language, so outside the /es/ prefix."""

from django.urls import path

from cxgov.core.routes import path_under
from cxgov.public import views_data, views_standards

app_name = "feeds"

agency = path_under("agencies/<slug:slug>/")

urlpatterns = [
    path("data.json", views_data.catalogue, name="data_catalogue"),
    path("data/a11/quarterly.csv", views_data.a11_quarterly_csv, name="a11_quarterly_csv"),
    path("data/a11/quarterly.json", views_data.a11_quarterly_json, name="a11_quarterly_json"),
    path("data/performance.csv", views_data.performance_csv, name="performance_csv"),
    path("data/performance.json", views_data.performance_json, name="performance_json"),
    agency("performance.csv", views_data.agency_performance_csv, name="agency_performance_csv"),
    agency("performance.json", views_data.agency_performance_json, name="agency_performance_json"),
    path("standards.csv", views_standards.feed_csv, name="standards_csv"),
    path("standards.json", views_standards.feed_json, name="standards_json"),
    agency("standards.csv", views_standards.agency_feed_csv, name="agency_standards_csv"),
    agency("standards.json", views_standards.agency_feed_json, name="agency_standards_json"),
]
