from django.urls import path

from cxgov.benchmarks import views
from cxgov.core.routes import path_under

app_name = "benchmarks"

service = path_under("services/<int:service_id>/")

urlpatterns = [
    path("", views.agency_home, name="agency"),
    path("library/", views.library, name="library"),
    path("library/<int:series_id>/", views.series_detail, name="series"),
    path("import/", views.upload, name="upload"),
    path("oversight/", views.oversight, name="oversight"),
    service("", views.service_page, name="service"),
    service("measures/new/", views.measure_create, name="measure_create"),
    service("choices/new/", views.selection_create, name="selection_create"),
    path("choices/<int:selection_id>/delete/", views.selection_delete, name="selection_delete"),
]
