from django.urls import path

from cxgov.a11 import views

app_name = "a11"

urlpatterns = [
    path("", views.collection_list, name="collection_list"),
    path("services/<int:service_id>/start/", views.collection_start, name="collection_start"),
    path("collections/<int:collection_id>/", views.collection_detail, name="collection"),
    path(
        "collections/<int:collection_id>/not-reported/",
        views.collection_not_reported,
        name="collection_not_reported",
    ),
    path("collections/<int:collection_id>/rate/", views.collection_rate, name="collection_rate"),
    path("oversight/", views.oversight, name="oversight"),
    path("import/", views.response_upload, name="upload"),
    path("export/", views.export_page, name="export"),
    path("export/<str:format>/", views.export_download, name="export_download"),
]
