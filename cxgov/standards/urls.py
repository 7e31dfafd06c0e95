from django.urls import path

from cxgov.core.routes import path_under
from cxgov.standards import views

app_name = "standards"

standard = path_under("<int:standard_id>/")

urlpatterns = [
    path("", views.standard_list, name="standard_list"),
    path("new/", views.standard_create, name="standard_create"),
    standard("", views.standard_detail, name="standard_detail"),
    standard("edit/", views.standard_edit, name="standard_edit"),
    standard("events/", views.events_upload, name="events_upload"),
    standard("results/", views.result_add, name="result_add"),
    standard("status/<slug:action>/", views.standard_status, name="standard_status"),
    path("misses/<int:miss_id>/acknowledge/", views.miss_acknowledge, name="miss_acknowledge"),
]
