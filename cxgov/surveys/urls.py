from django.urls import path

from cxgov.surveys import views, views_clearances

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("new/", views.survey_create, name="survey_create"),
    path("import/", views.survey_import, name="survey_import"),
    path("clearances/", views_clearances.clearance_list, name="clearance_list"),
    path("clearances/new/", views_clearances.clearance_create, name="clearance_create"),
    path(
        "clearances/<int:clearance_id>/",
        views_clearances.clearance_detail,
        name="clearance_detail",
    ),
    path(
        "clearances/<int:clearance_id>/edit/",
        views_clearances.clearance_edit,
        name="clearance_edit",
    ),
    path("<int:survey_id>/", views.survey_detail, name="survey_detail"),
    path("<int:survey_id>/settings/", views.survey_edit, name="survey_edit"),
    path(
        "<int:survey_id>/definition.json",
        views.survey_definition_download,
        name="survey_definition",
    ),
    path(
        "<int:survey_id>/versions/<int:number>/definition.json",
        views.survey_version_download,
        name="survey_version",
    ),
    path("<int:survey_id>/quotas/", views.quota_list, name="quota_list"),
    path("quotas/<int:quota_id>/remove/", views.quota_remove, name="quota_remove"),
    path("<int:survey_id>/preview/", views.survey_preview_view, name="survey_preview"),
    path("<int:survey_id>/qr.svg", views.survey_qr, name="survey_qr"),
    path(
        "<int:survey_id>/pra-request/estimate/",
        views_clearances.survey_burden_estimate,
        name="burden_estimate",
    ),
    path(
        "<int:survey_id>/pra-request/<slug:fmt>/",
        views_clearances.survey_request_package,
        name="request_package",
    ),
    path("<int:survey_id>/invitations/", views.invitation_upload, name="invitation_upload"),
    path("<int:survey_id>/invitations/remind/", views.invitation_remind, name="invitation_remind"),
    path("<int:survey_id>/invitations/list/", views.invitation_list, name="invitation_list"),
    path("<int:survey_id>/invitations.csv", views.invitation_export, name="invitation_export"),
    path("<int:survey_id>/access-codes/", views.access_codes_issue, name="access_codes_issue"),
    path("<int:survey_id>/questions/new/", views.question_create, name="question_create"),
    path(
        "<int:survey_id>/questions/library/",
        views.question_library_view,
        name="question_library",
    ),
    path("<int:survey_id>/responses/", views.response_list, name="response_list"),
    path("<int:survey_id>/responses.csv", views.response_export, name="response_export"),
    path(
        "<int:survey_id>/responses/export/<slug:fmt>/",
        views.response_research_export,
        name="response_research_export",
    ),
    path(
        "<int:survey_id>/responses/<int:response_id>/<slug:action>/",
        views.response_action,
        name="response_action",
    ),
    path("<int:survey_id>/<slug:action>/", views.survey_action, name="survey_action"),
    path("questions/<int:question_id>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:question_id>/logic/", views.question_logic, name="question_logic"),
    path(
        "questions/<int:question_id>/move/<slug:direction>/",
        views.question_move,
        name="question_move",
    ),
    path(
        "questions/<int:question_id>/remove/",
        views.question_remove,
        name="question_remove",
    ),
]
