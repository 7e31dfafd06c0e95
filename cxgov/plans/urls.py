from django.urls import path

from cxgov.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("<int:plan_id>/preview/", views.plan_preview, name="plan_preview"),
    path("<int:plan_id>/sections/<slug:key>/", views.section_edit, name="section_edit"),
    path("<int:plan_id>/surveys/", views.plan_surveys, name="plan_surveys"),
    path("<int:plan_id>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("<int:plan_id>/changes/", views.version_diff, name="version_diff"),
]
