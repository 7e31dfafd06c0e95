from django.urls import path

from cxgov.core.routes import path_under
from cxgov.surveys.results import views

app_name = "survey_results"

survey = path_under("<int:survey_id>/")

urlpatterns = [
    path("", views.results_index, name="index"),
    path("oversight/", views.oversight_results, name="oversight"),
    survey("", views.survey_results, name="survey"),
    survey("drivers/", views.survey_drivers, name="drivers"),
    survey("margins/", views.survey_margins_page, name="margins"),
    survey("margins/edit/", views.survey_margin_edit, name="margin_edit"),
    path("margins/<int:margin_id>/delete/", views.survey_margin_delete, name="margin_delete"),
]
