"""/staff/oversight/: the oversight home and the A-11 reports it opens (site-wide grant)."""

from django.urls import path

from cxgov.reports import views_oversight

app_name = "oversight"

urlpatterns = [
    path("", views_oversight.home, name="home"),
    path("a11/<int:collection_id>/", views_oversight.report, name="report"),
]
