from django.urls import path

from cxgov.site import views

app_name = "translations"

urlpatterns = [
    path("", views.translations_page, name="page"),
    path("export.xlf", views.translations_download, name="export"),
    path("<str:language>/<path:unit>/", views.translation_edit, name="edit"),
]
