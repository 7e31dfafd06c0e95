from django.urls import path

from cxgov.reports import views
from cxgov.reports.views_scorecard import scorecard

app_name = "reports"

urlpatterns = [
    path("", views.period_list, name="list"),
    path("scorecard/", scorecard, name="scorecard"),
    path("<slug:period>/", views.report_page, name="report"),
    path("<slug:period>/report.pdf", views.report_pdf_download, name="pdf"),
    path("<slug:period>/tables.zip", views.report_tables_zip, name="tables_zip"),
    path("<slug:period>/edit/", views.report_edit, name="edit"),
]
