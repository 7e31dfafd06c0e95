from django.urls import path

from cxgov.a11 import views
from cxgov.core.routes import path_under

app_name = "a11"

collection = path_under("collections/<int:collection_id>/")

urlpatterns = [
    path("", views.collection_list, name="collection_list"),
    path("services/<int:service_id>/start/", views.collection_start, name="collection_start"),
    collection("", views.collection_detail, name="collection"),
    collection("not-reported/", views.collection_not_reported, name="collection_not_reported"),
    collection("rate/", views.collection_rate, name="collection_rate"),
    path("oversight/", views.oversight, name="oversight"),
    path("import/", views.response_upload, name="upload"),
    path("export/", views.export_page, name="export"),
    path("export/<str:format>/", views.export_download, name="export_download"),
]
