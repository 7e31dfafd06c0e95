"""/staff/oversight/life-experiences/: the site-wide life experiences (site-wide grant)."""

from django.urls import path

from cxgov.journeys import views

app_name = "life_experiences"

urlpatterns = [
    path("", views.life_experience_list, name="list"),
]
