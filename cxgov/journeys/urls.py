from django.urls import path

from cxgov.core.routes import path_under
from cxgov.journeys import views

app_name = "journeys"

stage = path_under("stages/<int:journey_stage_id>/")

urlpatterns = [
    path("", views.journey_list, name="journey_list"),
    path("new/", views.journey_create, name="journey_create"),
    path("<int:journey_id>/", views.journey_detail, name="journey_detail"),
    path("<int:journey_id>/edit/", views.journey_edit, name="journey_edit"),
    path("<int:journey_id>/stages/new/", views.stage_create, name="stage_create"),
    stage("edit/", views.stage_edit, name="stage_edit"),
    stage("remove/", views.stage_delete, name="stage_delete"),
    stage("move/<slug:direction>/", views.stage_move, name="stage_move"),
    path("personas/new/", views.persona_create, name="persona_create"),
    path("personas/<int:persona_id>/edit/", views.persona_edit, name="persona_edit"),
]
