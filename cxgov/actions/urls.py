from django.urls import path

from cxgov.actions import views, views_plans

app_name = "actions"

urlpatterns = [
    path("", views.action_list, name="action_list"),
    path("new/", views.action_create, name="action_create"),
    path("suggested/", views.suggestions, name="suggestions"),
    path("employee-themes/", views.employee_survey_list, name="employee_surveys"),
    path(
        "employee-themes/<int:survey_id>/",
        views.employee_survey_themes,
        name="employee_themes",
    ),
    path("plans/", views_plans.action_plan_list, name="action_plan_list"),
    path("plans/<int:action_plan_id>/", views_plans.action_plan_detail, name="action_plan_detail"),
    path("plans/<int:action_plan_id>/edit/", views_plans.action_plan_edit, name="action_plan_edit"),
    path(
        "plans/<int:action_plan_id>/items/",
        views_plans.action_plan_items,
        name="action_plan_items",
    ),
    path(
        "plans/<int:action_plan_id>/preview/",
        views_plans.action_plan_preview,
        name="action_plan_preview",
    ),
    path("<int:action_id>/", views.action_detail, name="action_detail"),
    path("<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path("<int:action_id>/status/", views.action_status, name="action_status"),
]
