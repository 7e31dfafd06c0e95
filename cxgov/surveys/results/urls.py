from django.urls import path

from cxgov.surveys.results import views

app_name = "survey_results"

urlpatterns = [
    path("", views.results_index, name="index"),
    path("oversight/", views.oversight_results, name="oversight"),
    path("<int:survey_id>/", views.survey_results, name="survey"),
    path("<int:survey_id>/drivers/", views.survey_drivers, name="drivers"),
    path("<int:survey_id>/margins/", views.survey_margins_page, name="margins"),
    path("<int:survey_id>/margins/edit/", views.survey_margin_edit, name="margin_edit"),
    path("margins/<int:margin_id>/delete/", views.survey_margin_delete, name="margin_delete"),
]
