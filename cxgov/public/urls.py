from django.urls import path

from cxgov.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("feedback/", views.feedback, name="feedback"),
    path("complaints/", views.complaint_start, name="complaint_start"),
]
