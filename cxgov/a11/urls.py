from django.urls import path  # noqa: F401

app_name = "a11"

urlpatterns: list = []
