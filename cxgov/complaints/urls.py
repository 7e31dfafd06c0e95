from django.urls import path

from cxgov.complaints import views
from cxgov.core.routes import path_under

app_name = "complaints"

complaint = path_under("<int:complaint_id>/")

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.complaint_new, name="new"),
    path("analytics/", views.analytics, name="analytics"),
    path("setup/", views.setup, name="setup"),
    path("narratives/", views.narratives, name="narratives"),
    complaint("narrative/", views.narrative_review, name="narrative_review"),
    path("canned/", views.canned_response_list, name="canned_list"),
    path("canned/new/", views.canned_response_create, name="canned_create"),
    path("canned/<int:canned_id>/", views.canned_response_edit, name="canned_edit"),
    path("filters/", views.queue_filters, name="filters"),
    complaint("", views.case, name="case"),
    complaint("merge/", views.case_merge, name="merge"),
    complaint("split/", views.case_split, name="split"),
    complaint("status/", views.case_transition, name="transition"),
    complaint("assign/", views.case_assign, name="assign"),
    complaint("category/", views.case_categorize, name="categorize"),
    complaint("notes/", views.case_note, name="note"),
    complaint("messages/", views.case_message, name="message"),
    complaint("response/", views.case_respond, name="respond"),
    complaint("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
