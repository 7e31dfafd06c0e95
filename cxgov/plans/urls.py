from django.urls import path

from cxgov.core.routes import path_under
from cxgov.plans import views

app_name = "plans"

plan = path_under("<int:plan_id>/")

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    plan("", views.plan_detail, name="plan_detail"),
    plan("preview/", views.plan_preview, name="plan_preview"),
    plan("sections/<slug:key>/", views.section_edit, name="section_edit"),
    plan("surveys/", views.plan_surveys, name="plan_surveys"),
    plan("versions/<int:number>/", views.version_detail, name="version_detail"),
    plan("changes/", views.version_diff, name="version_diff"),
]
