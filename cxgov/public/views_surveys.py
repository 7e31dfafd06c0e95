"""The hosted survey page: answer a survey with or without JavaScript, in English or Spanish.

A link may carry context in its query string: `service`, `channel`, `stage`, `segment`, `loc`
(a location code from a QR code or kiosk) and `t` (a single-use invitation token). A value that
matches nothing is stored as received and never blocks the answers. Everything goes through
`surveys.services.response_submit`.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from csp.constants import NONE
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cxgov.core.ratelimit import client_address, rate_limited
from cxgov.core.sms import twilio_signature_valid
from cxgov.surveys.distribution import invitation_id_of_sms_status, opt_out_read, pra_statement
from cxgov.surveys.models import (
    LIKERT_LABELS,
    InvitationChannel,
    QuestionKind,
    ResponseSource,
    Survey,
)
from cxgov.surveys.selectors import invitation_for_opt_out, survey_public, survey_uses_codes
from cxgov.surveys.services import (
    SubmissionContext,
    invitation_bounce_reported,
    invitation_opt_out,
    invitation_seen,
    quota_closed_for,
    quota_full_message,
    response_submit,
)
from cxgov.surveys.validation import OTHER_SUFFIX, SubmissionError

CONTEXT_PARAMS = ("service", "channel", "stage", "segment", "loc", "t")
HONEYPOT = "website_url"
ANSWER_PREFIX = "q-"
SURVEY_TEMPLATE = "public/surveys/survey.html"
EMBED_TEMPLATE = "public/surveys/embed.html"

CLOSED_MESSAGES = {
    "not_live": "This survey is not open yet.",
    "not_open_yet": "This survey is not open yet.",
    "closed": "This survey is closed. Thank you for your interest.",
    "expired": "This survey is closed. Thank you for your interest.",
}


def _answers_from_post(survey: Survey, post: Any) -> dict[str, Any]:
    """Question key → what the form sent: a list for multiple choice, else one string."""
    answers: dict[str, Any] = {}
    for question in survey.questions.all():
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


def _question_views(
    survey: Survey, values: dict[str, Any], errors: dict[str, str]
) -> list[dict[str, Any]]:
    by_key = {q.key: q for q in survey.questions.all()}
    shown = []
    for question in survey.questions.all():
        if question.kind == QuestionKind.HIDDEN:
            continue
        value = values.get(question.key)
        chosen = [str(v) for v in value] if isinstance(value, list) else [str(value or "")]
        condition = question.show_if or {}
        condition_text = ""
        if condition.get("question") in by_key:
            parent = by_key[condition["question"]]
            labels = dict(_scale_options(parent))
            wanted = [labels.get(str(v), str(v)) for v in condition.get("values", [])]
            condition_text = _("Answer this if you chose “%(answers)s” for “%(question)s”.") % {
                "answers": "”, “".join(wanted),
                "question": parent.display_text,
            }
        shown.append(
            {
                "question": question,
                "name": ANSWER_PREFIX + question.key,
                "options": _scale_options(question),
                "chosen": chosen,
                "other": values.get(question.key + OTHER_SUFFIX, ""),
                "error": errors.get(question.key, ""),
                "condition_text": condition_text,
                "condition_question": ANSWER_PREFIX + condition["question"]
                if condition.get("question")
                else "",
                "condition_values": " ".join(str(v) for v in condition.get("values", [])),
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


def _scale_options(question: Any) -> list[tuple[str, str]]:
    kind = question.kind
    if kind == QuestionKind.LIKERT:
        return [(value, str(label)) for value, label in LIKERT_LABELS]
    if kind == QuestionKind.THUMBS:
        return [("1", _("Thumbs up: yes")), ("0", _("Thumbs down: no"))]
    if kind == QuestionKind.YES_NO:
        return [("1", _("Yes")), ("0", _("No"))]
    if kind == QuestionKind.NPS:
        return [(str(n), str(n)) for n in range(11)]
    if kind == QuestionKind.RATING_10:
        return [(str(n), str(n)) for n in range(1, 11)]
    return question.display_options()


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
) -> HttpResponse:
    problem = survey.open_problem()
    question_keys = {q.key for q in survey.questions.all() if q.kind != QuestionKind.HIDDEN}
    return render(
        request,
        template,
        {
            "survey": survey,
            "agency": survey.agency,
            "questions": _question_views(survey, values, errors),
            "errors": errors,
            # Whatever is not about one question: closed survey, used link, bad context.
            "general_errors": [
                message
                for key, message in errors.items()
                if key != "access_code" and key not in question_keys
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
            "consent": request.POST.get("consent_to_contact") == "yes",
            "preview": preview,
            "embed": embed,
            "nav_section": "feedback",
        },
        status=status,
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
        context=SubmissionContext(
            source=_source(context),
            language=get_language() or "en",
            service=context["service"],
            channel=context["channel"],
            stage=context["stage"],
            segment=context["segment"],
            location_code=context["loc"],
            page_url=request.build_absolute_uri()[:500],
            referrer=request.META.get("HTTP_REFERER", "")[:500],
            ip_address=client_address(request),
        ),
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
    if request.method == "GET":
        if context["t"] and not embed:
            invitation_seen(survey=survey, token=context["t"], started=False)
        return _page(
            request,
            survey,
            values={},
            errors={},
            context=context,
            submission_id=secrets.token_hex(16),
            template=template,
            embed=embed,
            quota_message=_quota_message(survey, context),
        )
    answers = _answers_from_post(survey, request.POST)
    submission_id = request.POST.get("submission_id", "")[:80]
    try:
        _submit_form(request, survey, answers=answers, context=context, submission_id=submission_id)
    except SubmissionError as refused:
        if refused.code == "quota_full":
            # Not the person's mistake: the polite page, with nothing to correct.
            return _page(
                request,
                survey,
                values={},
                errors={},
                context=context,
                submission_id=submission_id,
                template=template,
                embed=embed,
                quota_message=refused.errors["__all__"],
            )
        if context["t"] and refused.code not in ("token_invalid", "token_used"):
            invitation_seen(survey=survey, token=context["t"], started=True)
        answers["__access_code"] = request.POST.get("access_code", "")[:80]
        return _page(
            request,
            survey,
            values=answers,
            errors=refused.errors,
            context=context,
            submission_id=submission_id,
            status=429 if refused.code == "rate_limited" else 400,
            template=template,
            embed=embed,
        )
    return None


def _quota_message(survey: Survey, context: dict[str, str]) -> str:
    """The polite refusal for a link whose context is a full quota cell, else ""."""
    full = quota_closed_for(
        survey=survey,
        context=SubmissionContext(
            language=(get_language() or "en")[:2],
            service=context["service"],
            channel=context["channel"],
        ),
    )
    return quota_full_message(full) if full is not None else ""


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
    return {
        "name": item["name"],
        "kind": question.kind,
        "text": question.display_text,
        "hint": " ".join(
            part for part in (item["condition_text"], question.display_help_text) if part
        ),
        "required": question.required,
        "options": [{"value": v, "label": label} for v, label in item["options"]],
        "multiple": question.kind == QuestionKind.MULTIPLE,
        "show_if": item["condition_question"],
        "show_values": item["condition_values"].split(),
        "max_length": question.max_length or 500,
    }


def survey_widget_definition(request: HttpRequest, public_id: str) -> HttpResponse:
    """The survey as JSON for the widget, in the language of the URL."""
    survey = survey_public(public_id=public_id)
    problem = survey.open_problem()
    payload = {
        "title": survey.display_title,
        "intro": survey.display_intro,
        "open": not problem,
        "closed_message": _(CLOSED_MESSAGES[problem]) if problem else "",
        "questions": [
            _widget_question(item)
            for item in _question_views(survey, {}, {})
            if item["question"].kind != QuestionKind.EMAIL
        ],
        "submit_url": request.build_absolute_uri(
            reverse("public:survey_widget_submit", kwargs={"public_id": survey.public_id})
        ),
        "submission_id": secrets.token_hex(16),
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
            "close": _("Close"),
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
    return _cors(JsonResponse(payload), survey, request.headers.get("Origin", ""))


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
# the address names the invitation signed by this site. Writes are rate limited per address.
@csrf_exempt
@require_http_methods(["POST"])
@rate_limited("sms_status", setting="PUBLIC_WRITES_PER_MINUTE")
def sms_status(request: HttpRequest, token: str) -> HttpResponse:
    """A text invitation's delivery report from Twilio: "failed" or "undelivered" marks the
    invitation bounced (unless answered or opted out); other statuses change nothing."""
    url = settings.SITE_URL.rstrip("/") + request.get_full_path()
    params = [(name, value) for name, values in request.POST.lists() for value in values]
    signature = request.headers.get("X-Twilio-Signature", "")
    if not twilio_signature_valid(url, params, signature):
        return HttpResponse(status=403)
    invitation_id = invitation_id_of_sms_status(token)
    if invitation_id is not None and request.POST.get("MessageStatus", "") in _SMS_FAILED:
        invitation_bounce_reported(invitation_id=invitation_id, channel=InvitationChannel.SMS)
    return HttpResponse(status=204)
