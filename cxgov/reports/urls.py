from django.urls import path

from cxgov.core.routes import path_under
from cxgov.reports import views
from cxgov.reports.views_scorecard import scorecard

app_name = "reports"

period = path_under("<slug:period>/")

urlpatterns = [
    path("", views.period_list, name="list"),
    path("scorecard/", scorecard, name="scorecard"),
    period("", views.report_page, name="report"),
    period("report.pdf", views.report_pdf_download, name="pdf"),
    period("tables.zip", views.report_tables_zip, name="tables_zip"),
    period("edit/", views.report_edit, name="edit"),
]
