from django.urls import path

from cxgov.site import views

app_name = "translations"

urlpatterns = [
    path("", views.translations_page, name="page"),
    path("export.xlf", views.translations_download, name="export"),
]
