from django.urls import path

from cxgov.standards import views

app_name = "standards"

urlpatterns = [
    path("", views.standard_list, name="standard_list"),
    path("new/", views.standard_create, name="standard_create"),
    path("<int:standard_id>/", views.standard_detail, name="standard_detail"),
    path("<int:standard_id>/edit/", views.standard_edit, name="standard_edit"),
    path("<int:standard_id>/events/", views.events_upload, name="events_upload"),
    path("<int:standard_id>/results/", views.result_add, name="result_add"),
    path("<int:standard_id>/status/<slug:action>/", views.standard_status, name="standard_status"),
    path(
        "misses/<int:miss_id>/acknowledge/",
        views.miss_acknowledge,
        name="miss_acknowledge",
    ),
]
