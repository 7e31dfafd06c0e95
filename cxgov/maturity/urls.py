from django.urls import path

from cxgov.maturity import views

app_name = "maturity"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:fiscal_year>/", views.year, name="year"),
    path("<int:fiscal_year>/edit/", views.edit, name="edit"),
]
