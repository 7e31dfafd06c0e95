from django.urls import path

from cxgov.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("agencies/<slug:slug>/", views.agency, name="agency"),
    path(
        "agencies/<slug:agency_slug>/services/<slug:service_slug>/",
        views.service,
        name="service",
    ),
    path("feedback/", views.feedback, name="feedback"),
    path("complaints/", views.complaint_start, name="complaint_start"),
]
