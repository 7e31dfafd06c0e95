from django.urls import path

from cxgov.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscription_list, name="subscription_list"),
    path("new/", views.subscription_create, name="subscription_create"),
    path("<int:subscription_id>/", views.subscription_detail, name="subscription_detail"),
    path("<int:subscription_id>/edit/", views.subscription_edit, name="subscription_edit"),
    path(
        "<int:subscription_id>/status/<str:action>/",
        views.subscription_status,
        name="subscription_status",
    ),
    path("<int:subscription_id>/secret/", views.subscription_secret, name="subscription_secret"),
    path("deliveries/<int:delivery_id>/", views.delivery_detail, name="delivery_detail"),
    path("deliveries/<int:delivery_id>/replay/", views.delivery_replay, name="delivery_replay"),
]
