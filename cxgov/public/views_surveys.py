"""The hosted survey page: answer a survey with or without JavaScript, in English or Spanish.

A link may carry context in its query string: `service`, `channel`, `stage`, `segment`, `loc`
(a location code from a QR code or kiosk) and `t` (a single-use invitation token). A value that
matches nothing is stored as received and never blocks the answers. Everything goes through
`surveys.services.response_submit`.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from functools import partial
from typing import Any

from csp.constants import NONE
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, get_language_info, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cxgov.core.languages import offered_languages
from cxgov.core.ratelimit import (
    RateLimited,
    address_rate_check,
    client_address,
    rate_limited,
    too_many_requests,
)
from cxgov.core.sms import twilio_signature_valid
from cxgov.registry.models import ChannelKind
from cxgov.surveys.distribution import invitation_id_of_sms_status, opt_out_read, pra_statement
from cxgov.surveys.logic import (
    Plan,
    condition_keys,
    next_page,
    options_ordered,
    page_number,
    pipe,
    plan_compile,
    question_options,
    survey_plan,
    walk,
)
from cxgov.surveys.models import (
    InvitationChannel,
    Question,
    QuestionKind,
    ResponseDraft,
    ResponseSource,
    Survey,
)
from cxgov.surveys.selectors import (
    invitation_for_opt_out,
    response_draft_find,
    service_for_context,
    survey_origin_allowed,
    survey_public,
    survey_uses_codes,
)
from cxgov.surveys.services import (
    SubmissionContext,
    invitation_bounce_reported,
    invitation_opt_out,
    invitation_seen,
    quota_closed_for,
    quota_full_message,
    response_draft_discard,
    response_draft_save,
    response_draft_start,
    response_submit,
)
from cxgov.surveys.validation import OTHER_SUFFIX, SubmissionError, submission_clean

CONTEXT_PARAMS = ("service", "channel", "stage", "segment", "loc", "t")
HONEYPOT = "website_url"
ANSWER_PREFIX = "q-"
# Sent by the page-by-page form: the post is one page of a draft, not a whole response.
FLOW_FIELD = "flow"
SURVEY_TEMPLATE = "public/surveys/survey.html"
EMBED_TEMPLATE = "public/surveys/embed.html"

# Marked with gettext_noop so makemessages extracts them; translated where they are shown.
CLOSED_MESSAGES = {
    "not_live": gettext_noop("This survey is not open yet."),
    "not_open_yet": gettext_noop("This survey is not open yet."),
    "closed": gettext_noop("This survey is closed. Thank you for your interest."),
    "expired": gettext_noop("This survey is closed. Thank you for your interest."),
}


def _answers_from_post(
    survey: Survey, post: Any, questions: Iterable[Question] | None = None
) -> dict[str, Any]:
    """Question key → what the form sent: a list for multiple choice, else one string."""
    answers: dict[str, Any] = {}
    for question in survey.questions.all() if questions is None else questions:
        if question.kind == QuestionKind.HIDDEN:
            continue
        name = ANSWER_PREFIX + question.key
        if question.kind == QuestionKind.MULTIPLE:
            values = [v for v in post.getlist(name) if v]
            if values:
                answers[question.key] = values
        else:
            value = post.get(name, "")
            if value != "":
                answers[question.key] = value
        other = post.get(name + OTHER_SUFFIX, "").strip()
        if other:
            answers[question.key + OTHER_SUFFIX] = other
    return answers


def _condition_text(condition: dict[str, Any], by_key: dict[str, Question]) -> str:
    """The hint a question shown before its condition can be decided gets."""
    if condition.get("question") in by_key and condition.get("op", "in") == "in":
        parent = by_key[condition["question"]]
        labels = dict(question_options(parent))
        wanted = [labels.get(str(v), str(v)) for v in condition.get("values", [])]
        return _("Answer this if you chose “%(answers)s” for “%(question)s”.") % {
            "answers": "”, “".join(wanted),
            "question": parent.display_text,
        }
    return _("Answer this only if it applies after your other answers on this page.")


def _pipe_context(survey: Survey, context: dict[str, str]) -> dict[str, str]:
    """What `{context.*}` tokens show: the service's and agency's names, the channel's label."""
    service = service_for_context(survey=survey, ref=context.get("service", ""))
    channel = context.get("channel", "")
    return {
        "service": service.display_name if service is not None else "",
        "agency": survey.agency.display_name,
        "channel": str(dict(ChannelKind.choices).get(channel, "")),
    }


def _question_views(
    survey: Survey,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    page: int | None = None,
    seed: str = "",
    context: dict[str, str] | None = None,
    preview: bool = False,
) -> list[dict[str, Any]]:
    """The questions to show (all, or one page's), with piped text and options in order."""
    # A preview may show a question edited but not saved: never the cached plan.
    plan = plan_compile(survey.questions.all()) if preview else survey_plan(survey)
    by_key = plan.by_key
    given = {k: v if isinstance(v, list) else [v] for k, v in values.items()}
    path = walk(plan, given, until=page)
    pipe_context = _pipe_context(survey, context or {}) if context is not None else {}
    on_page = [q for q in plan.questions if page is None or q.page == page]
    shown = []
    for question in on_page:
        if question.kind == QuestionKind.HIDDEN:
            continue
        condition = question.show_if or {}
        # Decided by earlier pages' answers: asked or not, with no hint. Otherwise the hint
        # (and, with JavaScript, surveys.js) says when to answer.
        keys = condition_keys(condition)
        undecided = keys if page is None else {k for k in keys if by_key[k].page == page}
        if condition and not undecided and question.key not in path.shown:
            continue
        value = values.get(question.key)
        chosen = [str(v) for v in value] if isinstance(value, list) else [str(value or "")]
        simple = bool(undecided) and "question" in condition and condition.get("op", "in") == "in"
        text = pipe(question.display_text, plan=plan, answers=path.answers, context=pipe_context)
        hint = pipe(
            question.display_help_text, plan=plan, answers=path.answers, context=pipe_context
        )
        shown.append(
            {
                "question": question,
                "text": text,
                "hint": hint,
                "name": ANSWER_PREFIX + question.key,
                "options": options_ordered(question, seed=seed),
                "chosen": chosen,
                "other": values.get(question.key + OTHER_SUFFIX, ""),
                "error": errors.get(question.key, ""),
                "condition_text": _condition_text(condition, by_key) if undecided else "",
                "condition_question": ANSWER_PREFIX + condition["question"] if simple else "",
                "condition_values": " ".join(str(v) for v in condition.get("values", []))
                if simple
                else "",
                "is_choice": question.kind
                in (
                    QuestionKind.LIKERT,
                    QuestionKind.THUMBS,
                    QuestionKind.YES_NO,
                    QuestionKind.NPS,
                    QuestionKind.RATING_10,
                    QuestionKind.SINGLE,
                ),
            }
        )
    return shown


def _page(
    request: HttpRequest,
    survey: Survey,
    *,
    values: dict[str, Any],
    errors: dict[str, str],
    context: dict[str, str],
    submission_id: str,
    preview: bool = False,
    status: int = 200,
    template: str = SURVEY_TEMPLATE,
    embed: bool = False,
    quota_message: str = "",
    flow: dict[str, Any] | None = None,
) -> HttpResponse:
    problem = survey.open_problem()
    questions = _question_views(
        survey,
        values,
        errors,
        page=flow["page"] if flow else None,
        seed=submission_id,
        context=context,
        preview=preview,
    )
    shown_keys = {item["question"].key for item in questions}
    return render(
        request,
        template,
        {
            "survey": survey,
            "agency": survey.agency,
            "questions": questions,
            "errors": errors,
            # Whatever is not about a question on this page: closed survey, used link, context.
            "general_errors": [
                message
                for key, message in errors.items()
                if key != "access_code" and key not in shown_keys
            ],
            "context": context,
            "submission_id": submission_id,
            "honeypot": HONEYPOT,
            "closed_message": _(CLOSED_MESSAGES[problem])
            if problem and not preview
            else quota_message,
            "needs_code": survey.is_employee
            and (bool(survey.access_code) or survey_uses_codes(survey=survey))
            and not context.get("t"),
            "access_code": values.get("__access_code", ""),
            "consent": request.POST.get("consent_to_contact") == "yes"
            or bool(flow and flow.get("consent")),
            "preview": preview,
            "embed": embed,
            "flow": flow,
            "draft_days": settings.SURVEY_DRAFT_DAYS,
            "form_action": reverse(
                "public:survey_embed" if embed else "public:survey",
                kwargs={"public_id": survey.public_id},
            ),
            "nav_section": "feedback",
        },
        status=status,
    )


def _context_for_submission(request: HttpRequest, context: dict[str, str]) -> SubmissionContext:
    return SubmissionContext(
        source=_source(context),
        language=get_language() or "en",
        service=context["service"],
        channel=context["channel"],
        stage=context["stage"],
        segment=context["segment"],
        location_code=context["loc"],
        page_url=context.get("page_url") or request.build_absolute_uri()[:500],
        referrer=context.get("referrer") or request.META.get("HTTP_REFERER", "")[:500],
        ip_address=client_address(request),
    )


def _submit_form(
    request: HttpRequest,
    survey: Survey,
    *,
    answers: dict[str, Any],
    context: dict[str, str],
    submission_id: str,
) -> None:
    """Store the answers of a posted survey form; raises SubmissionError like the service."""
    response_submit(
        survey=survey,
        answers=answers,
        submission_id=submission_id,
        context=_context_for_submission(request, context),
        token=context["t"],
        access_code=request.POST.get("access_code", "")[:80],
        honeypot=request.POST.get(HONEYPOT, ""),
        consent_to_contact=request.POST.get("consent_to_contact") == "yes",
    )


def _survey_form(
    request: HttpRequest, survey: Survey, *, template: str = SURVEY_TEMPLATE, embed: bool = False
) -> HttpResponse | None:
    """The survey form on GET or with its errors; None once a POST is stored."""
    source = request.POST if request.method == "POST" else request.GET
    context = {name: source.get(name, "")[:200] for name in CONTEXT_PARAMS}
    if request.method == "GET" and context["t"] and not embed:
        invitation_seen(survey=survey, token=context["t"], started=False)
    # A survey of several pages is answered page by page; a form posting every answer at once
    # (an older page, a script) is still taken whole, under the same rules.
    multi_page = survey_plan(survey).multi_page
    page = partial(_page, request, survey, context=context, template=template, embed=embed)
    if request.method == "GET":
        quota_message = _quota_message(survey, context)
        if multi_page and not quota_message:
            return _flow(request, survey, context=context, template=template, embed=embed)
        return page(
            values={},
            errors={},
            submission_id=secrets.token_hex(16),
            quota_message=quota_message,
        )
    if multi_page and FLOW_FIELD in request.POST:
        return _flow(request, survey, context=context, template=template, embed=embed)
    answers = _answers_from_post(survey, request.POST)
    submission_id = request.POST.get("submission_id", "")[:80]
    try:
        _submit_form(request, survey, answers=answers, context=context, submission_id=submission_id)
    except SubmissionError as refused:
        if refused.code == "quota_full":
            # Not the person's mistake: the polite page, with nothing to correct.
            return page(
                values={},
                errors={},
                submission_id=submission_id,
                quota_message=refused.errors["__all__"],
            )
        if context["t"] and refused.code not in ("token_invalid", "token_used"):
            invitation_seen(survey=survey, token=context["t"], started=True)
        answers["__access_code"] = request.POST.get("access_code", "")[:80]
        return page(
            values=answers,
            errors=refused.errors,
            submission_id=submission_id,
            status=429 if refused.code == "rate_limited" else 400,
        )
    return None


def _quota_message(survey: Survey, context: dict[str, str]) -> str:
    """The polite refusal for a link whose context is a full quota cell, else ""."""
    full = quota_closed_for(
        survey=survey,
        context=SubmissionContext(
            language=get_language() or "en",
            service=context["service"],
            channel=context["channel"],
        ),
    )
    return quota_full_message(full) if full is not None else ""


# --- several pages: one at a time, the answers so far kept in a server-side draft ----------


def _flow_page(
    request: HttpRequest,
    survey: Survey,
    *,
    draft: ResponseDraft | None,
    token: str,
    page: int,
    errors: dict[str, str] | None = None,
    context: dict[str, str],
    template: str,
    embed: bool,
    status: int = 200,
    saved: bool = False,
) -> HttpResponse:
    plan = survey_plan(survey)
    answers = dict(draft.answers) if draft is not None else {}
    if draft is not None:
        answers["__access_code"] = draft.context.get("access_code", "")
    submission_id = draft.context["submission_id"] if draft is not None else secrets.token_hex(16)
    history = draft.history if draft is not None else [page]
    flow = {
        "page": page,
        "number": page_number(plan, page),
        "total": len(plan.pages),
        "token": token,
        "back": history.index(page) > 0 if page in history else False,
        "last": plan.page_after(page) is None,
        "consent": bool(draft and draft.context.get("consent")),
        "resume_url": request.build_absolute_uri(
            reverse("public:survey_resume", kwargs={"public_id": survey.public_id, "token": token})
        )
        if saved
        else "",
    }
    return _page(
        request,
        survey,
        values=answers,
        errors=errors or {},
        context=context,
        submission_id=submission_id,
        template=template,
        embed=embed,
        flow=flow,
        status=status,
    )


def _flow(
    request: HttpRequest,
    survey: Survey,
    *,
    context: dict[str, str],
    template: str,
    embed: bool,
) -> HttpResponse | None:
    """One page of a multi-page survey: Next checks the page, Back and Save keep it as is."""
    plan = survey_plan(survey)
    first = plan.pages[0]
    # Nothing is kept for a survey that takes no answers; the first page says why.
    if request.method == "GET" or survey.open_problem():
        return _flow_page(
            request,
            survey,
            draft=None,
            token="",
            page=first,
            context=context,
            template=template,
            embed=embed,
        )
    token = request.POST.get("draft", "")[:64]
    draft = response_draft_find(survey=survey, token=token) if token else None
    if token and draft is None:
        return _resume_missing(request, survey)
    language = get_language() or "en"
    if draft is None:
        stored = {
            **context,
            "submission_id": secrets.token_hex(16),
            "page_url": request.build_absolute_uri()[:500],
            "referrer": request.META.get("HTTP_REFERER", "")[:500],
        }
        draft, token = response_draft_start(
            survey=survey, context=stored, language=language, page=first
        )
    # The page being left is one this respondent reached, never whatever number was posted.
    posted = _as_page(request.POST.get("page", ""))
    page = posted if posted in draft.history else draft.page
    context = {name: str(draft.context.get(name, "")) for name in CONTEXT_PARAMS}
    on_page = plan.by_page.get(page, [])
    answers = {
        k: v
        for k, v in draft.answers.items()
        if k.removesuffix(OTHER_SUFFIX) not in {q.key for q in on_page}
    }
    answers.update(_answers_from_post(survey, request.POST, on_page))
    if any(q.kind == QuestionKind.EMAIL for q in on_page):
        draft.context["consent"] = request.POST.get("consent_to_contact") == "yes"
    if "access_code" in request.POST:
        draft.context["access_code"] = request.POST.get("access_code", "")[:80]
    history = draft.history[: draft.history.index(page) + 1] if page in draft.history else [page]
    nav = request.POST.get("nav", "next")
    shown = {
        "request": request,
        "survey": survey,
        "context": context,
        "template": template,
        "embed": embed,
    }
    if nav == "back" and len(history) > 1:
        back = history[-2]
        response_draft_save(draft=draft, answers=answers, page=back, history=history[:-1])
        return _flow_page(draft=draft, token=token, page=back, **shown)
    if nav == "save":
        response_draft_save(draft=draft, answers=answers, page=page, history=history)
        return _flow_page(draft=draft, token=token, page=page, saved=True, **shown)
    try:
        _page_clean(survey, plan, answers=answers, page=page)
    except SubmissionError as refused:
        response_draft_save(draft=draft, answers=answers, page=page, history=history)
        return _flow_page(
            draft=draft, token=token, page=page, errors=refused.errors, status=400, **shown
        )
    given = {k: _as_list(v) for k, v in answers.items()}
    following = _following_page(plan, page, given)
    if following is not None:
        response_draft_save(
            draft=draft, answers=answers, page=following, history=[*history, following]
        )
        return _flow_page(draft=draft, token=token, page=following, **shown)
    response_draft_save(draft=draft, answers=answers, page=page, history=history)
    try:
        response_submit(
            survey=survey,
            answers=answers,
            submission_id=draft.context["submission_id"],
            context=_context_for_submission(request, {**context, **draft.context}),
            token=context["t"],
            access_code=str(draft.context.get("access_code", "")),
            honeypot=request.POST.get(HONEYPOT, ""),
            consent_to_contact=bool(draft.context.get("consent")),
        )
    except SubmissionError as refused:
        if refused.code == "quota_full":
            # The cell filled while this person answered: the polite page, nothing to correct.
            response_draft_discard(draft=draft)
            return _page(
                request,
                survey,
                values={},
                errors={},
                context=context,
                submission_id=str(draft.context["submission_id"]),
                template=template,
                embed=embed,
                quota_message=refused.errors["__all__"],
            )
        if context["t"] and refused.code not in ("token_invalid", "token_used"):
            invitation_seen(survey=survey, token=context["t"], started=True)
        wrong = [q.page for q in plan.questions if q.key in refused.errors]
        back = min(wrong) if wrong else page
        return _flow_page(
            draft=draft,
            token=token,
            page=back,
            errors=refused.errors,
            status=429 if refused.code == "rate_limited" else 400,
            **shown,
        )
    response_draft_discard(draft=draft)
    return None


def _page_clean(survey: Survey, plan: Plan, *, answers: dict[str, Any], page: int) -> None:
    """Check the answers of one page of the survey; raises `SubmissionError`."""
    submission_clean(
        questions=plan.questions, raw=answers, employee=survey.is_employee, plan=plan, page=page
    )


def _following_page(plan: Plan, page: int, given: dict[str, list[Any]]) -> int | None:
    """The page after `page` that asks anything given these answers; None after the last."""
    following = next_page(plan, page, given)
    # A page whose every question is ruled out by earlier answers is passed over.
    while following is not None and not _asks_anything(plan, following, given):
        following = next_page(plan, following, given)
    return following


def _asks_anything(plan: Plan, page: int, given: dict[str, list[Any]]) -> bool:
    return any(q.key in walk(plan, given, until=page).shown for q in plan.by_page.get(page, []))


def _as_page(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 5 else None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _resume_missing(request: HttpRequest, survey: Survey) -> HttpResponse:
    return render(
        request,
        "public/surveys/resume_missing.html",
        {"survey": survey, "agency": survey.agency, "nav_section": "feedback"},
        status=404,
    )


@require_http_methods(["GET"])
def survey_resume(request: HttpRequest, public_id: str, token: str) -> HttpResponse:
    """The private "finish later" link: the saved answers, on the page left off."""
    survey = survey_public(public_id=public_id)
    draft = response_draft_find(survey=survey, token=token)
    if draft is None:
        return _resume_missing(request, survey)
    context = {name: str(draft.context.get(name, "")) for name in CONTEXT_PARAMS}
    return _flow_page(
        request,
        survey,
        draft=draft,
        token=token,
        page=draft.page,
        context=context,
        template=SURVEY_TEMPLATE,
        embed=False,
    )


@require_http_methods(["GET", "POST"])
@rate_limited("survey_intake", setting="PUBLIC_WRITES_PER_MINUTE")
def survey_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """Show a survey and take its answers; errors come back beside each question."""
    survey = survey_public(public_id=public_id)
    page = _survey_form(request, survey)
    if page is not None:
        return page
    return redirect(reverse("public:survey_thanks", kwargs={"public_id": survey.public_id}))


def _source(context: dict[str, str]) -> str:
    if context["t"]:
        return ResponseSource.EMAIL
    if context["loc"]:
        return ResponseSource.QR
    return ResponseSource.WEB


def survey_thanks(request: HttpRequest, public_id: str) -> HttpResponse:
    """The thank-you page after a response is stored."""
    survey = survey_public(public_id=public_id)
    return render(
        request,
        "public/surveys/thanks.html",
        {"survey": survey, "agency": survey.agency, "nav_section": "feedback"},
    )


@require_http_methods(["GET", "POST"])
@rate_limited("survey_opt_out", setting="PUBLIC_WRITES_PER_MINUTE")
def survey_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every invitation: a button that stops the agency's survey invitations.

    A GET only asks (mail scanners open links); the POST records the opt-out.
    """
    invitation_id = opt_out_read(token)
    invitation = invitation_for_opt_out(invitation_id=invitation_id) if invitation_id else None
    if invitation is None:
        return render(
            request,
            "public/surveys/opt_out.html",
            {"invitation": None, "nav_section": "feedback"},
            status=404,
        )
    done = False
    if request.method == "POST":
        invitation_opt_out(invitation=invitation)
        done = True
    return render(
        request,
        "public/surveys/opt_out.html",
        {
            "invitation": invitation,
            "agency": invitation.survey.agency,
            "done": done,
            "nav_section": "feedback",
        },
    )


# --- the embeddable widget ------------------------------------------------------------------


def _cors(response: HttpResponse, survey: Survey, origin: str) -> HttpResponse:
    """Let the page that embeds the widget read the answer, if the survey allows that site."""
    allowed = {o.rstrip("/") for o in survey.allowed_origins}
    if origin and origin.rstrip("/") in allowed:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    return response


def _widget_question(item: dict[str, Any]) -> dict[str, Any]:
    question = item["question"]
    text = item["text"]
    return {
        "name": item["name"],
        "kind": question.kind,
        "text": text,
        # English shown for want of a translation, for the widget to mark lang="en".
        "text_lang": getattr(text, "lang", ""),
        "hint": " ".join(part for part in (item["condition_text"], item["hint"]) if part),
        "required": question.required,
        "options": [{"value": v, "label": label} for v, label in item["options"]],
        "multiple": question.kind == QuestionKind.MULTIPLE,
        "show_if": item["condition_question"],
        "show_values": item["condition_values"].split(),
        "max_length": question.max_length or 500,
    }


def _widget_questions(
    survey: Survey,
    *,
    values: dict[str, Any],
    page: int | None,
    seed: str,
    context: dict[str, str],
) -> list[dict[str, Any]]:
    """One page's questions (or all) as the widget draws them: texts piped on the server,
    options in this respondent's order, questions ruled out by earlier answers left out."""
    return [
        _widget_question(item)
        for item in _question_views(survey, values, {}, page=page, seed=seed, context=context)
        # The widget asks for no email: contact consent lives on the survey page.
        if item["question"].kind != QuestionKind.EMAIL
    ]


def _widget_paging(plan: Plan, page: int) -> dict[str, Any]:
    return {
        "page": page,
        "number": page_number(plan, page),
        "total": len(plan.pages),
        "last": plan.page_after(page) is None,
    }


# BCP 47 tags a web page may carry → the site's language codes that read them.
_LANGUAGE_ALIASES = {
    "zh": "zh-hans",
    "zh-cn": "zh-hans",
    "zh-sg": "zh-hans",
    "zh-tw": "zh-hant",
    "zh-hk": "zh-hant",
    "zh-mo": "zh-hant",
    "pt": "pt-br",
    "fil": "tl",
}


def _widget_language(survey: Survey, requested: str) -> str:
    """The language the widget speaks: the one asked for ("fr-CA" reads as "fr") when the
    site and the agency offer it, else English."""
    offered = offered_languages(agency=survey.agency)
    parts = requested.strip().lower().replace("_", "-")[:35].split("-")
    for size in range(len(parts), 0, -1):
        tag = "-".join(parts[:size])
        code = _LANGUAGE_ALIASES.get(tag, tag)
        if code in offered:
            return code
    return "en"


def _widget_context(source: Any) -> dict[str, str]:
    return {name: str(source.get(name, ""))[:200] for name in WIDGET_CONTEXT}


def survey_widget_definition(request: HttpRequest, public_id: str) -> HttpResponse:
    """The survey as JSON for the widget: its first page (or all of a one-page survey), in the
    language of `?lang=` or of the URL when the agency offers it, else English."""
    survey = survey_public(public_id=public_id)
    language = _widget_language(survey, request.GET.get("lang") or get_language() or "en")
    with translation.override(language):
        payload = _widget_definition(request, survey, language=language)
    return _cors(JsonResponse(payload), survey, request.headers.get("Origin", ""))


def _widget_definition(request: HttpRequest, survey: Survey, *, language: str) -> dict[str, Any]:
    problem = survey.open_problem()
    plan = survey_plan(survey)
    first = plan.pages[0] if plan.multi_page else None
    submission_id = secrets.token_hex(16)
    kwargs = {"public_id": survey.public_id}
    return {
        "title": survey.display_title,
        "intro": survey.display_intro,
        "lang": language,
        "dir": "rtl" if get_language_info(language)["bidi"] else "ltr",
        "open": not problem,
        "closed_message": _(CLOSED_MESSAGES[problem]) if problem else "",
        "questions": _widget_questions(
            survey,
            values={},
            page=first,
            seed=submission_id,
            context=_widget_context(request.GET),
        ),
        # A survey of several pages goes page by page through `page_url`; None: one form.
        "paging": _widget_paging(plan, first) if first is not None else None,
        "page_url": request.build_absolute_uri(reverse("public:survey_widget_page", kwargs=kwargs)),
        "submit_url": request.build_absolute_uri(
            reverse("public:survey_widget_submit", kwargs=kwargs)
        ),
        "submission_id": submission_id,
        "omb": {
            "number": survey.omb_control_number,
            "expires": survey.omb_expiration_date.isoformat() if survey.omb_expiration_date else "",
            "statement": pra_statement(survey, with_number=False)
            if survey.omb_control_number
            else "",
        },
        "labels": {
            "open": _("Give feedback"),
            "submit": _("Submit"),
            "next": _("Next"),
            "back": _("Back"),
            # The widget fills in %(number)s and %(total)s.
            "page": _("Page %(number)s of %(total)s"),
            "close": _("Close"),
            "honeypot": _("Leave this field empty. It helps us stop automated spam."),
            "required": _("required"),
            "errors": _("Please fix the following"),
            "thanks": _("Thank you. Your answers were saved."),
            "omb": _("OMB control number"),
            "expires": _("Expiration date"),
            "failed": _("Your answers could not be sent. Try again in a moment."),
            # The widget puts the wait in place of %(seconds)s.
            "kept": _(
                "We could not send your answers yet. They are kept in this browser, and we "
                "will try again in %(seconds)s seconds."
            ),
            "restored": _(
                "Your earlier answers were not sent yet. They are filled in below, and we are "
                "sending them now."
            ),
        },
    }


# --- the widget's pages: stateless, each request carries every answer so far ---------------

WIDGET_CONTEXT = ("service", "channel", "stage", "segment", "loc")
_WIDGET_PAGE_FIELDS = frozenset({"page", "answers", "context", "submission_id"})
# Far above any real survey's answers (200 keys at most, texts of 2,000 characters).
WIDGET_PAGE_MAX_BYTES = 256 * 1024


class _BadPageError(Exception):
    """A widget page request the server cannot read, with the reason to send back."""

    def __init__(self, field: str, message: str) -> None:
        self.errors = {field: message}
        super().__init__(message)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


def _is_answer(value: Any) -> bool:
    """A word or whole number, or a list of them (a "choose any" answer)."""
    if isinstance(value, list):
        return all(not isinstance(item, list) and _is_answer(item) for item in value)
    return isinstance(value, str | int) and not isinstance(value, bool)


def _widget_page_read(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    """The request's page, answers, context and submission id, or _BadPageError saying why not."""
    too_large = _BadPageError(
        "__all__",
        _("The request is too large: send at most %(n)s bytes.") % {"n": WIDGET_PAGE_MAX_BYTES},
    )
    # The declared length is checked before anything is read into memory.
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > WIDGET_PAGE_MAX_BYTES:
        raise too_large
    if len(request.body) > WIDGET_PAGE_MAX_BYTES:
        raise too_large
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _BadPageError("__all__", _("Send the request as a JSON object.")) from None
    if not isinstance(body, dict):
        raise _BadPageError("__all__", _("Send the request as a JSON object."))
    unknown = sorted(str(key)[:40] for key in set(body) - _WIDGET_PAGE_FIELDS)
    if unknown:
        raise _BadPageError(
            "__all__",
            _("Unknown fields: %(fields)s. Send only page, answers, context and submission_id.")
            % {"fields": ", ".join(unknown)},
        )
    page = body.get("page")
    if isinstance(page, bool) or not isinstance(page, int) or page not in plan.pages:
        raise _BadPageError("page", _("Give the number of one of the survey's pages."))
    answers = body.get("answers", {})
    if not isinstance(answers, dict) or not all(_is_answer(v) for v in answers.values()):
        raise _BadPageError(
            "answers",
            _("Send the answers as an object of question keys to words, numbers or lists."),
        )
    context = body.get("context", {})
    if not isinstance(context, dict) or set(context) - set(WIDGET_CONTEXT):
        raise _BadPageError(
            "context",
            _("The context may hold only %(names)s.") % {"names": ", ".join(WIDGET_CONTEXT)},
        )
    if not all(isinstance(v, str) for v in context.values()):
        raise _BadPageError("context", _("Each context value must be text."))
    submission_id = body.get("submission_id", "")
    if not isinstance(submission_id, str):
        raise _BadPageError("submission_id", _("The submission id must be text."))
    # Checked once the shapes are known to be shallow; PostgreSQL could not store it anyway.
    if _has_nul(body):
        raise _BadPageError(
            "__all__", _("The request contains a NUL character, which is not allowed.")
        )
    return {
        "page": page,
        "answers": answers,
        "context": _widget_context(context),
        "submission_id": submission_id[:80],
    }


def _widget_refusal(errors: dict[str, str], *, code: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "code": code, "errors": errors}, status=status)


@csrf_exempt
@require_http_methods(["POST"])
@rate_limited("survey_widget", setting="PUBLIC_WRITES_PER_MINUTE")
def survey_widget_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """Check one page of a widget's survey and say what comes next, storing nothing.

    The body is JSON: `page` (the page being left), `answers` (every answer so far, by
    question key), `context` and `submission_id`. The reply is that page's errors (400), the
    next page's questions, or `done` when the answers are ready for the widget's intake. The
    same logic and checks as the survey page decide; the widget never evaluates them.
    """
    survey = survey_public(public_id=public_id)
    origin = request.headers.get("Origin", "")
    language = _widget_language(survey, get_language() or "en")
    with translation.override(language):
        reply = _widget_page_reply(request, survey, origin=origin)
    return _cors(reply, survey, origin)


def _widget_page_reply(request: HttpRequest, survey: Survey, *, origin: str) -> JsonResponse:
    if not survey_origin_allowed(survey=survey, origin=origin):
        return _widget_refusal(
            {"__all__": _("This survey may not be answered from this web site.")},
            code="origin",
            status=403,
        )
    problem = survey.open_problem()
    if problem:
        return _widget_refusal({"__all__": _(CLOSED_MESSAGES[problem])}, code="closed")
    plan = survey_plan(survey)
    try:
        sent = _widget_page_read(request, plan)
    except _BadPageError as bad:
        return _widget_refusal(bad.errors, code="bad_request")
    answers, page = sent["answers"], sent["page"]
    given = {key: _as_list(value) for key, value in answers.items()}
    if page not in walk(plan, given, until=page).pages:
        return _widget_refusal(
            {"page": _("These answers do not lead to this page. Go back and check them.")},
            code="bad_request",
        )
    try:
        _page_clean(survey, plan, answers=answers, page=page)
    except SubmissionError as refused:
        return _widget_refusal(refused.errors, code=refused.code)
    following = _following_page(plan, page, given)
    if following is None:
        return JsonResponse({"ok": True, "done": True})
    return JsonResponse(
        {
            "ok": True,
            "done": False,
            "paging": _widget_paging(plan, following),
            "questions": _widget_questions(
                survey,
                values=answers,
                page=following,
                seed=sent["submission_id"],
                context=sent["context"],
            ),
        }
    )


@csrf_exempt
@require_http_methods(["POST"])
@rate_limited("survey_widget", setting="PUBLIC_WRITES_PER_MINUTE")
def survey_widget_submit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Take a widget's answers from an allowed web site; the same intake as the page."""
    survey = survey_public(public_id=public_id)
    origin = request.headers.get("Origin", "")
    answers = _answers_from_post(survey, request.POST)
    try:
        response_submit(
            survey=survey,
            answers=answers,
            submission_id=request.POST.get("submission_id", "")[:80],
            context=SubmissionContext(
                source=ResponseSource.WIDGET,
                language=get_language() or "en",
                service=request.POST.get("service", "")[:80],
                channel=request.POST.get("channel", "")[:20],
                stage=request.POST.get("stage", "")[:20],
                segment=request.POST.get("segment", "")[:20],
                location_code=request.POST.get("loc", "")[:40],
                page_url=request.POST.get("page", "")[:500],
                referrer=request.headers.get("Referer", "")[:500],
                ip_address=client_address(request),
                origin=origin,
            ),
            honeypot=request.POST.get(HONEYPOT, ""),
        )
    except SubmissionError as refused:
        status = 403 if refused.code == "origin" else 429 if refused.code == "rate_limited" else 400
        reply = JsonResponse(
            {"ok": False, "code": refused.code, "errors": refused.errors}, status=status
        )
        return _cors(reply, survey, origin)
    reply = JsonResponse(
        {
            "ok": True,
            "thank_you": survey.display_thank_you or _("Thank you. Your answers were saved."),
        },
        status=201,
    )
    return _cors(reply, survey, origin)


# --- the embeddable page (an iframe on the agency's own site) -------------------------------

# The survey settings form only stores origins of this shape; anything else never reaches the
# header, so a bad stored value cannot add a directive to the policy.
_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:\d{1,5})?", re.I)


def _frameable(response: HttpResponse, survey: Survey) -> HttpResponse:
    """Let exactly the survey's allowed origins frame this response ('none' when it has none)."""
    origins = [o.rstrip("/") for o in survey.allowed_origins if _ORIGIN.fullmatch(o.rstrip("/"))]
    # django-csp's csp_replace decorator takes a fixed policy; this one depends on the survey,
    # so the view sets the same attribute the decorator would.
    response._csp_replace = {"frame-ancestors": origins or [NONE]}  # type: ignore[attr-defined]
    return response


# Cross-site iframes do not get this site's CSRF cookie, so the form cannot carry a token.
# Exempting it is safe: the POST is an anonymous response with no session and grants no
# rights, a replay with the same submission id stores nothing new, writes are rate limited per
# address, and the Origin is not trusted for anything. The same holds for the widget's intake.
@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
@rate_limited("survey_intake", setting="PUBLIC_WRITES_PER_MINUTE")
def survey_embed(request: HttpRequest, public_id: str) -> HttpResponse:
    """The survey form alone, for an agency's iframe; answers go through the same intake."""
    survey = survey_public(public_id=public_id)
    page = _survey_form(request, survey, template=EMBED_TEMPLATE, embed=True)
    if page is None:
        page = render(
            request, EMBED_TEMPLATE, {"survey": survey, "agency": survey.agency, "done": True}
        )
    return _frameable(page, survey)


# --- delivery reports of text invitations ---------------------------------------------------

# Twilio's final statuses of a message that never reached the phone.
_SMS_FAILED = frozenset({"failed", "undelivered"})


# Twilio posts from its own servers, with no session or CSRF token: what binds the request is
# its X-Twilio-Signature (HMAC-SHA1 of the address and parameters under the auth token), and
# the address names the invitation signed by this site. Twilio sends several reports per
# message from a few addresses, so a signed report is not counted against the per-address
# limit (a large send would pass it and Twilio does not retry); only requests without a valid
# signature are counted, and refused. The signature is checked first: it costs one HMAC, less
# than the counter.
@csrf_exempt
@require_http_methods(["POST"])
def sms_status(request: HttpRequest, token: str) -> HttpResponse:
    """A text invitation's delivery report from Twilio: "failed" or "undelivered" marks the
    invitation bounced (unless it was opened, answered or opted out); other statuses change
    nothing."""
    url = settings.SITE_URL.rstrip("/") + request.get_full_path()
    params = [(name, value) for name, values in request.POST.lists() for value in values]
    signature = request.headers.get("X-Twilio-Signature", "")
    if not twilio_signature_valid(url, params, signature):
        try:
            address_rate_check(request, scope="sms_status", limit=settings.PUBLIC_WRITES_PER_MINUTE)
        except RateLimited as limited:
            return too_many_requests(request, limited.retry_after)
        return HttpResponse(status=403)
    invitation_id = invitation_id_of_sms_status(token)
    if invitation_id is not None and request.POST.get("MessageStatus", "") in _SMS_FAILED:
        invitation_bounce_reported(invitation_id=invitation_id, channel=InvitationChannel.SMS)
    return HttpResponse(status=204)
