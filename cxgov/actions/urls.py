from django.urls import path

from cxgov.actions import views, views_plans
from cxgov.core.routes import path_under

app_name = "actions"

action_plan = path_under("plans/<int:action_plan_id>/")

urlpatterns = [
    path("", views.action_list, name="action_list"),
    path("new/", views.action_create, name="action_create"),
    path("suggested/", views.suggestions, name="suggestions"),
    path("employee-themes/", views.employee_survey_list, name="employee_surveys"),
    path("employee-themes/<int:survey_id>/", views.employee_survey_themes, name="employee_themes"),
    path("plans/", views_plans.action_plan_list, name="action_plan_list"),
    action_plan("", views_plans.action_plan_detail, name="action_plan_detail"),
    action_plan("edit/", views_plans.action_plan_edit, name="action_plan_edit"),
    action_plan("items/", views_plans.action_plan_items, name="action_plan_items"),
    action_plan("preview/", views_plans.action_plan_preview, name="action_plan_preview"),
    path("<int:action_id>/", views.action_detail, name="action_detail"),
    path("<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path("<int:action_id>/status/", views.action_status, name="action_status"),
]
