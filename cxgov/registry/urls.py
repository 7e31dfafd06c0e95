from django.urls import path

from cxgov.core.routes import path_under
from cxgov.registry import views

app_name = "registry"

channel = path_under("channels/<int:channel_id>/")

urlpatterns = [
    path("data/", views.agency_privacy, name="agency_privacy"),
    path("data/export.zip", views.agency_export, name="agency_export"),
    path("services/", views.service_list, name="service_list"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/import/", views.service_import, name="service_import"),
    path("services/export.<slug:fmt>", views.service_export, name="service_export"),
    path("services/<int:service_id>/", views.service_detail_view, name="service_detail"),
    path("services/<int:service_id>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:service_id>/<slug:action>/", views.service_status, name="service_status"),
    path("services/<int:service_id>/stages/new/", views.stage_create, name="stage_create"),
    path("stages/<int:stage_id>/edit/", views.stage_edit, name="stage_edit"),
    path("stages/<int:stage_id>/move/<slug:direction>/", views.stage_move, name="stage_move"),
    path("stages/<int:stage_id>/delete/", views.stage_delete, name="stage_delete"),
    path("services/<int:service_id>/channels/new/", views.channel_create, name="channel_create"),
    channel("edit/", views.channel_edit, name="channel_edit"),
    channel("delete/", views.channel_delete, name="channel_delete"),
    channel("hours/", views.channel_hours, name="channel_hours"),
    channel("closures/", views.closure_add, name="closure_add"),
    channel("closures/<int:closure_id>/delete/", views.closure_remove, name="closure_remove"),
    path("segments/", views.segment_list, name="segment_list"),
    path("segments/new/", views.segment_create, name="segment_create"),
    path("segments/<int:segment_id>/edit/", views.segment_edit, name="segment_edit"),
    path("segments/<int:segment_id>/delete/", views.segment_delete, name="segment_delete"),
]
