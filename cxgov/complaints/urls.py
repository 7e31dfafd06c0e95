from django.urls import path

from cxgov.complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.complaint_new, name="new"),
    path("analytics/", views.analytics, name="analytics"),
    path("setup/", views.setup, name="setup"),
    path("narratives/", views.narratives, name="narratives"),
    path("<int:complaint_id>/narrative/", views.narrative_review, name="narrative_review"),
    path("canned/", views.canned_response_list, name="canned_list"),
    path("canned/new/", views.canned_response_create, name="canned_create"),
    path("canned/<int:canned_id>/", views.canned_response_edit, name="canned_edit"),
    path("filters/", views.queue_filters, name="filters"),
    path("<int:complaint_id>/", views.case, name="case"),
    path("<int:complaint_id>/merge/", views.case_merge, name="merge"),
    path("<int:complaint_id>/split/", views.case_split, name="split"),
    path("<int:complaint_id>/status/", views.case_transition, name="transition"),
    path("<int:complaint_id>/assign/", views.case_assign, name="assign"),
    path("<int:complaint_id>/category/", views.case_categorize, name="categorize"),
    path("<int:complaint_id>/notes/", views.case_note, name="note"),
    path("<int:complaint_id>/messages/", views.case_message, name="message"),
    path("<int:complaint_id>/response/", views.case_respond, name="respond"),
    path(
        "<int:complaint_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
