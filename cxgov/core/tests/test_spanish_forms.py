"""A staff form posted under /es/ sends the user back to a page under /es/.

Each page is read in Spanish, its form is sent back as the page filled it (required fields that
are empty get a plain value), and the redirect must keep the language prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cxgov.core.models import User
from cxgov.core.services import token_create
from cxgov.site.demo import demo_load

AGENCY = "fba"
FILLERS = {"number": "1", "date": "2026-01-15", "time": "09:00", "email": "x@example.gov"}


class _Forms(HTMLParser):
    """The POST forms of a page: their action and the values a browser would send."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: tuple[str, bool, bool] | None = None
        self._first_option: str | None = None
        self._textarea: tuple[str, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = {"action": a.get("action", ""), "data": {}, "fields": 0}
            self.forms.append(self._form)
        if self._form is None or (tag != "form" and not a.get("name") and tag != "option"):
            return
        data = self._form["data"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file"} or (
                kind in {"checkbox", "radio"} and "checked" not in a
            ):
                return
            value = a.get("value", "")
            if not value and "required" in a:
                value = FILLERS.get(kind, "Prueba")
            data.setdefault(a["name"], []).append(value)
            self._form["fields"] += kind != "hidden"
        elif tag == "textarea":
            self._textarea = (a["name"], "required" in a)
            data.setdefault(a["name"], [])
            self._form["fields"] += 1
        elif tag == "select":
            self._select = (a["name"], "multiple" in a, "required" in a)
            self._first_option = None
            self._form["fields"] += 1
        elif tag == "option" and self._select is not None:
            name, multiple, _required = self._select
            if self._first_option is None and a.get("value"):
                self._first_option = a["value"]
            if "selected" in a:
                if not multiple:
                    data[name] = []
                data.setdefault(name, []).append(a.get("value", ""))

    def handle_data(self, text: str) -> None:
        if self._textarea is not None and self._form is not None:
            self._form["data"][self._textarea[0]].append(text)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None and self._form is not None:
            name, required = self._textarea
            values = self._form["data"][name]
            text = "".join(values).strip()
            self._form["data"][name] = [text or ("Prueba" if required else "")]
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, _multiple, required = self._select
            chosen = [v for v in self._form["data"].get(name, []) if v]
            self._form["data"][name] = chosen
            if not chosen and required and self._first_option is not None:
                self._form["data"][name] = [self._first_option]
            self._select = None
        elif tag == "form":
            self._form = None


def _es(name: str, **kwargs: Any) -> str:
    with translation.override("es"):
        return reverse(name, kwargs={"slug": AGENCY, **kwargs} if name != "core:token_list" else {})


def _first(model: str, **filters: Any) -> int:
    from django.apps import apps

    obj = apps.get_model(model).objects.filter(**filters).order_by("pk").first()
    assert obj is not None, f"the demo has no {model}"
    return int(obj.pk)


# (URL name, how to build its kwargs, which form on the page: the one whose action ends so).
STAFF_FORMS: list[tuple[str, Callable[[], dict[str, Any]], str]] = [
    ("registry:segment_create", dict, ""),
    (
        "registry:segment_edit",
        lambda: {"segment_id": _first("registry.CustomerSegment", agency__slug=AGENCY)},
        "",
    ),
    ("registry:service_create", dict, ""),
    (
        "registry:service_edit",
        lambda: {"service_id": _first("registry.Service", agency__slug=AGENCY)},
        "",
    ),
    (
        "registry:stage_edit",
        lambda: {"stage_id": _first("registry.ServiceStage", service__agency__slug=AGENCY)},
        "",
    ),
    (
        "registry:channel_edit",
        lambda: {"channel_id": _first("registry.Channel", service__agency__slug=AGENCY)},
        "",
    ),
    (
        "registry:channel_hours",
        lambda: {"channel_id": _first("registry.Channel", service__agency__slug=AGENCY)},
        "",
    ),
    (
        "standards:standard_edit",
        lambda: {"standard_id": _first("standards.Standard", service__agency__slug=AGENCY)},
        "",
    ),
    (
        "surveys:survey_edit",
        lambda: {"survey_id": _first("surveys.Survey", agency__slug=AGENCY)},
        "",
    ),
    (
        "surveys:question_edit",
        lambda: {"question_id": _first("surveys.Question", survey__agency__slug=AGENCY)},
        "",
    ),
    (
        "complaints:case",
        lambda: {"complaint_id": _first("complaints.Complaint", agency__slug=AGENCY)},
        "/notes/",
    ),
    (
        "a11:collection",
        lambda: {"collection_id": _first("a11.Collection", agency__slug=AGENCY, status="draft")},
        "",
    ),
    ("actions:action_create", dict, ""),
    (
        "actions:action_edit",
        lambda: {"action_id": _first("actions.ActionItem", agency__slug=AGENCY)},
        "",
    ),
    (
        "plans:section_edit",
        lambda: {"plan_id": _first("plans.Plan", agency__slug=AGENCY), "key": "customers"},
        "",
    ),
    (
        "benchmarks:selection_create",
        lambda: {"service_id": _first("registry.Service", agency__slug=AGENCY)},
        "",
    ),
    ("core:token_list", dict, "/revoke/"),
    (
        "core:member_edit",
        lambda: {"membership_id": _first("core.Membership", agency__slug=AGENCY)},
        "/reset-two-factor/",
    ),
    (
        "core:member_edit",
        lambda: {"membership_id": _first("core.Membership", agency__slug=AGENCY)},
        "",
    ),
]


def _pick(forms: list[dict[str, Any]], page: str, action_end: str) -> dict[str, Any] | None:
    if action_end:
        matching = [f for f in forms if f["action"].endswith(action_end)]
    else:
        matching = [f for f in forms if f["action"] in {"", page}]
    return max(matching, key=lambda f: f["fields"]) if matching else None


@pytest.mark.django_db
def test_staff_forms_posted_in_spanish_redirect_in_spanish():
    demo_load()
    admin = User.objects.get(email="admin@fba.example.gov")
    token_create(user=admin, name="Prueba")
    client = Client()
    client.force_login(admin)
    problems = {}
    for name, kwargs, action_end in STAFF_FORMS:
        page = _es(name, **kwargs())
        response = client.get(page)
        assert response.status_code == 200, page
        parser = _Forms()
        parser.feed(response.content.decode())
        form = _pick(parser.forms, page, action_end)
        if form is None:
            problems[name] = f"{page} has no form posting to {action_end or 'itself'}"
            continue
        target = form["action"].replace("&amp;", "&") or page
        sent = client.post(target, form["data"])
        if sent.status_code != 302:
            problems[name] = f"{target} answered {sent.status_code} to {form['data']}"
        elif not sent["Location"].startswith("/es/"):
            problems[name] = f"{target} sent the user to {sent['Location']}"
    assert problems == {}
