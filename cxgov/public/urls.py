from django.urls import path

from cxgov.public import (
    views,
    views_accessibility,
    views_action_plans,
    views_complaints,
    views_data,
    views_performance,
    views_plans,
    views_standards,
    views_surveys,
)

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("agencies/<slug:slug>/", views.agency, name="agency"),
    path(
        "agencies/<slug:agency_slug>/services/<slug:service_slug>/",
        views.service,
        name="service",
    ),
    path(
        "agencies/<slug:agency_slug>/services/<slug:service_slug>/performance/",
        views_performance.service_performance_page,
        name="service_performance",
    ),
    path(
        "agencies/<slug:slug>/standards/",
        views_standards.agency_standards,
        name="agency_standards",
    ),
    path(
        "agencies/<slug:agency_slug>/services/<slug:service_slug>/standards/",
        views_standards.service_standards,
        name="service_standards",
    ),
    path("agencies/<slug:slug>/plan/", views_plans.agency_plan, name="agency_plan"),
    path("agencies/<slug:slug>/plan.pdf", views_plans.agency_plan_pdf, name="agency_plan_pdf"),
    path(
        "agencies/<slug:slug>/action-plan/",
        views_action_plans.agency_action_plan,
        name="agency_action_plan",
    ),
    path(
        "agencies/<slug:slug>/action-plan.pdf",
        views_action_plans.agency_action_plan_pdf,
        name="agency_action_plan_pdf",
    ),
    path("data/", views_data.data_index, name="data_index"),
    path("data/<slug:key>/", views_data.data_dictionary, name="data_dictionary"),
    path("feedback/", views.feedback, name="feedback"),
    path("complaints/", views.complaint_start, name="complaint_start"),
    path("surveys/opt-out/<str:token>/", views_surveys.survey_opt_out, name="survey_opt_out"),
    path("surveys/sms-status/<str:token>/", views_surveys.sms_status, name="sms_status"),
    path("surveys/<slug:public_id>/", views_surveys.survey_page, name="survey"),
    path("surveys/<slug:public_id>/thanks/", views_surveys.survey_thanks, name="survey_thanks"),
    path(
        "surveys/<slug:public_id>/resume/<str:token>/",
        views_surveys.survey_resume,
        name="survey_resume",
    ),
    path("surveys/<slug:public_id>/embed/", views_surveys.survey_embed, name="survey_embed"),
    path(
        "surveys/<slug:public_id>/widget.json",
        views_surveys.survey_widget_definition,
        name="survey_widget",
    ),
    path(
        "surveys/<slug:public_id>/widget/",
        views_surveys.survey_widget_submit,
        name="survey_widget_submit",
    ),
    path(
        "surveys/<slug:public_id>/widget/page/",
        views_surveys.survey_widget_page,
        name="survey_widget_page",
    ),
    path(
        "agencies/<slug:slug>/complaints/new/",
        views_complaints.complaint_new,
        name="complaint_new",
    ),
    path("complaints/status/", views_complaints.complaint_status, name="complaint_status"),
    path(
        "agencies/<slug:slug>/complaints.<slug:fmt>",
        views_complaints.complaints_data,
        name="complaints_data",
    ),
    path(
        "complaints/status/<str:tracking>/",
        views_complaints.complaint_track,
        name="complaint_track",
    ),
    path("accessibility/", views_accessibility.statement, name="accessibility"),
    path(
        "accessibility/conformance/",
        views_accessibility.conformance,
        name="accessibility_conformance",
    ),
    path(
        "accessibility/openacr.yaml",
        views_accessibility.conformance_yaml,
        name="accessibility_openacr",
    ),
    path("accessibility/report/", views_accessibility.barrier_start, name="barrier_start"),
    path(
        "agencies/<slug:slug>/accessibility/report/",
        views_accessibility.barrier_new,
        name="barrier_new",
    ),
    path(
        "accessibility/report/filed/<str:tracking>/",
        views_accessibility.barrier_filed,
        name="barrier_filed",
    ),
    path(
        "complaints/status/<str:tracking>/reply/",
        views_complaints.complaint_reply,
        name="complaint_reply",
    ),
    path(
        "complaints/status/<str:tracking>/files/<int:attachment_id>/",
        views_complaints.complaint_attachment,
        name="complaint_attachment",
    ),
    path("complaints/link/<str:token>/", views_complaints.complaint_link, name="complaint_link"),
    path(
        "complaints/filed/<str:tracking>/",
        views_complaints.complaint_filed,
        name="complaint_filed",
    ),
]
