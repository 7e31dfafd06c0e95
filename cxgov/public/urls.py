from django.urls import path

from cxgov.core.routes import path_under
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

agency = path_under("agencies/<slug:slug>/")
service = path_under("agencies/<slug:agency_slug>/services/<slug:service_slug>/")
survey = path_under("surveys/<slug:public_id>/")
tracked_complaint = path_under("complaints/status/<str:tracking>/")
accessibility = path_under("accessibility/")

urlpatterns = [
    path("", views.home, name="home"),
    agency("", views.agency, name="agency"),
    service("", views.service, name="service"),
    service("performance/", views_performance.service_performance_page, name="service_performance"),
    agency("standards/", views_standards.agency_standards, name="agency_standards"),
    service("standards/", views_standards.service_standards, name="service_standards"),
    agency("plan/", views_plans.agency_plan, name="agency_plan"),
    agency("plan.pdf", views_plans.agency_plan_pdf, name="agency_plan_pdf"),
    agency("action-plan/", views_action_plans.agency_action_plan, name="agency_action_plan"),
    agency(
        "action-plan.pdf", views_action_plans.agency_action_plan_pdf, name="agency_action_plan_pdf"
    ),
    path("data/", views_data.data_index, name="data_index"),
    path("data/<slug:key>/", views_data.data_dictionary, name="data_dictionary"),
    path("feedback/", views.feedback, name="feedback"),
    path("complaints/", views.complaint_start, name="complaint_start"),
    path("surveys/opt-out/<str:token>/", views_surveys.survey_opt_out, name="survey_opt_out"),
    path("surveys/sms-status/<str:token>/", views_surveys.sms_status, name="sms_status"),
    survey("", views_surveys.survey_page, name="survey"),
    survey("thanks/", views_surveys.survey_thanks, name="survey_thanks"),
    survey("resume/<str:token>/", views_surveys.survey_resume, name="survey_resume"),
    survey("embed/", views_surveys.survey_embed, name="survey_embed"),
    survey("widget.json", views_surveys.survey_widget_definition, name="survey_widget"),
    survey("widget/", views_surveys.survey_widget_submit, name="survey_widget_submit"),
    survey("widget/page/", views_surveys.survey_widget_page, name="survey_widget_page"),
    agency("complaints/new/", views_complaints.complaint_new, name="complaint_new"),
    path("complaints/status/", views_complaints.complaint_status, name="complaint_status"),
    agency("complaints.<slug:fmt>", views_complaints.complaints_data, name="complaints_data"),
    tracked_complaint("", views_complaints.complaint_track, name="complaint_track"),
    accessibility("", views_accessibility.statement, name="accessibility"),
    accessibility(
        "conformance/", views_accessibility.conformance, name="accessibility_conformance"
    ),
    accessibility(
        "openacr.yaml", views_accessibility.conformance_yaml, name="accessibility_openacr"
    ),
    accessibility("report/", views_accessibility.barrier_start, name="barrier_start"),
    agency("accessibility/report/", views_accessibility.barrier_new, name="barrier_new"),
    accessibility(
        "report/filed/<str:tracking>/", views_accessibility.barrier_filed, name="barrier_filed"
    ),
    tracked_complaint("reply/", views_complaints.complaint_reply, name="complaint_reply"),
    tracked_complaint(
        "files/<int:attachment_id>/",
        views_complaints.complaint_attachment,
        name="complaint_attachment",
    ),
    path("complaints/link/<str:token>/", views_complaints.complaint_link, name="complaint_link"),
    path(
        "complaints/filed/<str:tracking>/", views_complaints.complaint_filed, name="complaint_filed"
    ),
]
