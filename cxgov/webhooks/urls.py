from django.urls import path

from cxgov.core.routes import path_under
from cxgov.webhooks import views

app_name = "webhooks"

subscription = path_under("<int:subscription_id>/")

urlpatterns = [
    path("", views.subscription_list, name="subscription_list"),
    path("new/", views.subscription_create, name="subscription_create"),
    subscription("", views.subscription_detail, name="subscription_detail"),
    subscription("edit/", views.subscription_edit, name="subscription_edit"),
    subscription("status/<str:action>/", views.subscription_status, name="subscription_status"),
    subscription("secret/", views.subscription_secret, name="subscription_secret"),
    path("deliveries/<int:delivery_id>/", views.delivery_detail, name="delivery_detail"),
    path("deliveries/<int:delivery_id>/replay/", views.delivery_replay, name="delivery_replay"),
]
