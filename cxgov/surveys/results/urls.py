from django.urls import path

from cxgov.surveys.results import views

app_name = "survey_results"

urlpatterns = [
    path("", views.results_index, name="index"),
    path("oversight/", views.oversight_results, name="oversight"),
    path("<int:survey_id>/", views.survey_results, name="survey"),
    path("<int:survey_id>/drivers/", views.survey_drivers, name="drivers"),
]
