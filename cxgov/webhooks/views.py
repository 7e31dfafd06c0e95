"""Staff pages for webhooks (agency administrators): subscriptions, their delivery log, replay."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from cxgov.core.auth import second_factor_required
from cxgov.core.pages import (
    agency_list_view,
    button_view,
    form_page,
    form_page_save,
    form_save,
    status_view,
)
from cxgov.core.permissions import Can
from cxgov.core.selectors import access_agency
from cxgov.webhooks import services
from cxgov.webhooks.forms import DeliveryFilterForm, SubscriptionForm
from cxgov.webhooks.models import Delivery, Subscription
from cxgov.webhooks.selectors import (
    access_delivery,
    access_subscription,
    attempts_for_delivery,
    deliveries_for_subscription,
    subscriptions_for_agency,
)


def _detail_url(subscription: Subscription) -> str:
    return access_subscription.url("webhooks:subscription_detail", subscription)


def _delivery_url(delivery: Delivery) -> str:
    return access_delivery.url("webhooks:delivery_detail", delivery)


subscription_list = agency_list_view(
    "webhooks/subscription_list.html",
    need=Can.MANAGE_WEBHOOKS,
    edit=Can.MANAGE_WEBHOOKS,
    subscriptions=subscriptions_for_agency,
)


def _detail_page(
    request: HttpRequest, subscription: Subscription, *, new_secret: str = "", status: int = 200
) -> HttpResponse:
    filters = DeliveryFilterForm(request.GET or None)
    status_filter = filters.cleaned_data["status"] if filters.is_valid() else ""
    return render(
        request,
        "webhooks/subscription_detail.html",
        {
            "agency": subscription.agency,
            "subscription": subscription,
            "deliveries": deliveries_for_subscription(
                subscription=subscription, status=status_filter
            ),
            "filters": filters,
            "new_secret": new_secret,
            "nav_section": "staff",
        },
        status=status,
    )


@login_required
@second_factor_required
def subscription_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A new subscription; its signing secret is shown on the answer to the POST, once."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.MANAGE_WEBHOOKS)
    form = SubscriptionForm(request.POST or None, initial={"areas": []})
    saved = form_save(
        request,
        form,
        lambda data: services.subscription_create(agency=agency, actor=request.user, **data),
    )
    if saved is not None:
        subscription, secret = saved.value
        return _detail_page(request, subscription, new_secret=secret, status=201)
    return form_page(
        request,
        section="webhooks",
        title=_("New webhook subscription"),
        form=form,
        cancel_url=reverse("webhooks:subscription_list", kwargs={"slug": slug}),
        agency=agency,
    )


@login_required
def subscription_detail(request: HttpRequest, slug: str, subscription_id: int) -> HttpResponse:
    """The subscription's settings and its delivery log, newest first."""
    subscription = access_subscription(
        user=request.user, agency_slug=slug, subscription_id=subscription_id
    )
    return _detail_page(request, subscription)


@login_required
def subscription_edit(request: HttpRequest, slug: str, subscription_id: int) -> HttpResponse:
    subscription = access_subscription(
        user=request.user, agency_slug=slug, subscription_id=subscription_id
    )
    initial = {
        "name": subscription.name,
        "url": subscription.url,
        "events": subscription.events,
        "areas": subscription.areas,
    }
    form = SubscriptionForm(request.POST or None, initial=initial)
    return form_page_save(
        request,
        section="webhooks",
        form=form,
        save=lambda data: services.subscription_update(
            actor=request.user, subscription=subscription, **data
        ),
        success_url=_detail_url(subscription),
        success_message=_("Subscription saved."),
        page={
            "agency": subscription.agency,
            "subscription": subscription,
            "title": _("Change the subscription"),
            "cancel_url": _detail_url(subscription),
        },
    )


_ACTIONS = {
    "disable": (
        services.subscription_disable,
        gettext_noop("Subscription turned off: nothing is sent to it."),
    ),
    "enable": (services.subscription_enable, gettext_noop("Subscription turned on again.")),
}


subscription_status = status_view(
    access_subscription, need=Can.MANAGE_WEBHOOKS, actions=_ACTIONS, next_url=_detail_url
)


@login_required
@second_factor_required
@require_POST
def subscription_secret(request: HttpRequest, slug: str, subscription_id: int) -> HttpResponse:
    """A new signing secret, shown on this answer once; the old one stops signing."""
    subscription = access_subscription(
        user=request.user, agency_slug=slug, subscription_id=subscription_id
    )
    secret = services.subscription_secret_rotate(actor=request.user, subscription=subscription)
    return _detail_page(request, subscription, new_secret=secret)


@login_required
def delivery_detail(request: HttpRequest, slug: str, delivery_id: int) -> HttpResponse:
    """One delivery: the body as sent and every try with the receiver's answer."""
    delivery = access_delivery(user=request.user, agency_slug=slug, delivery_id=delivery_id)
    try:
        body = json.dumps(json.loads(delivery.body), indent=2, ensure_ascii=False)
    except ValueError:
        body = delivery.body
    return render(
        request,
        "webhooks/delivery_detail.html",
        {
            "agency": delivery.subscription.agency,
            "subscription": delivery.subscription,
            "delivery": delivery,
            "body": body,
            "attempts": attempts_for_delivery(delivery=delivery),
            "nav_section": "staff",
        },
    )


delivery_replay = button_view(
    access_delivery,
    act=services.delivery_replay,
    done=gettext_lazy("Replay queued: the delivery is sent again, freshly signed."),
    next_url=_delivery_url,
)
