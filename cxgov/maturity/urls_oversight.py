"""/staff/oversight/maturity/: every agency's maturity scores side by side (site-wide grant)."""

from django.urls import path

from cxgov.maturity import views

app_name = "maturity_oversight"

urlpatterns = [
    path("", views.oversight, name="scores"),
]
