from django.urls import path

from cxgov.core.routes import path_under
from cxgov.surveys import views, views_clearances

app_name = "surveys"

survey = path_under("<int:survey_id>/")
clearance = path_under("clearances/<int:clearance_id>/")
question = path_under("questions/<int:question_id>/")
response = path_under("<int:survey_id>/responses/")
pra_request = path_under("<int:survey_id>/pra-request/")

urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("new/", views.survey_create, name="survey_create"),
    path("import/", views.survey_import, name="survey_import"),
    path("clearances/", views_clearances.clearance_list, name="clearance_list"),
    path("clearances/new/", views_clearances.clearance_create, name="clearance_create"),
    clearance("", views_clearances.clearance_detail, name="clearance_detail"),
    clearance("edit/", views_clearances.clearance_edit, name="clearance_edit"),
    survey("", views.survey_detail, name="survey_detail"),
    survey("settings/", views.survey_edit, name="survey_edit"),
    survey("definition.json", views.survey_definition_download, name="survey_definition"),
    survey(
        "versions/<int:number>/definition.json",
        views.survey_version_download,
        name="survey_version",
    ),
    survey("quotas/", views.quota_list, name="quota_list"),
    path("quotas/<int:quota_id>/remove/", views.quota_remove, name="quota_remove"),
    survey("preview/", views.survey_preview_view, name="survey_preview"),
    survey("qr.svg", views.survey_qr, name="survey_qr"),
    pra_request("estimate/", views_clearances.survey_burden_estimate, name="burden_estimate"),
    pra_request("<slug:fmt>/", views_clearances.survey_request_package, name="request_package"),
    survey("invitations/", views.invitation_upload, name="invitation_upload"),
    survey("invitations/remind/", views.invitation_remind, name="invitation_remind"),
    survey("invitations/list/", views.invitation_list, name="invitation_list"),
    survey("invitations.csv", views.invitation_export, name="invitation_export"),
    survey("access-codes/", views.access_codes_issue, name="access_codes_issue"),
    survey("questions/new/", views.question_create, name="question_create"),
    survey("questions/library/", views.question_library_view, name="question_library"),
    response("", views.response_list, name="response_list"),
    survey("responses.csv", views.response_export, name="response_export"),
    response("export/<slug:fmt>/", views.response_research_export, name="response_research_export"),
    response("<int:response_id>/<slug:action>/", views.response_action, name="response_action"),
    survey("<slug:action>/", views.survey_action, name="survey_action"),
    question("edit/", views.question_edit, name="question_edit"),
    question("logic/", views.question_logic, name="question_logic"),
    question("move/<slug:direction>/", views.question_move, name="question_move"),
    question("remove/", views.question_remove, name="question_remove"),
]
