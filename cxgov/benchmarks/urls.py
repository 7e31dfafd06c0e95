from django.urls import path

from cxgov.benchmarks import views

app_name = "benchmarks"

urlpatterns = [
    path("", views.agency_home, name="agency"),
    path("library/", views.library, name="library"),
    path("library/<int:series_id>/", views.series_detail, name="series"),
    path("import/", views.upload, name="upload"),
    path("oversight/", views.oversight, name="oversight"),
    path("services/<int:service_id>/", views.service_page, name="service"),
    path("services/<int:service_id>/measures/new/", views.measure_create, name="measure_create"),
    path("services/<int:service_id>/choices/new/", views.selection_create, name="selection_create"),
    path("choices/<int:selection_id>/delete/", views.selection_delete, name="selection_delete"),
]
