"""Staff pages: the survey builder, distribution links and response management.

Any member of the agency reads the builder; agency administrators and CX analysts build and
manage, and only they read responses one by one (`Can.READ_RESPONSES`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

from csp.constants import SELF
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from cxgov.core.models import Agency, PreparedFile
from cxgov.core.pages import (
    agency_list_view,
    button_view,
    form_page,
    form_page_save,
    import_page,
    object_render,
    post_action,
    status_view,
)
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import access_agency, fresh_copy
from cxgov.core.services import audit_record
from cxgov.core.tables import csv_response, csv_stream_response, file_response
from cxgov.core.views_prepared import prepared_file_response
from cxgov.public.views_surveys import _page as public_page
from cxgov.surveys import services as surveys
from cxgov.surveys.definition import (
    MAX_BYTES,
    DefinitionError,
    definition_dumps,
    survey_definition,
)
from cxgov.surveys.distribution import embed_codes, qr_svg
from cxgov.surveys.forms import (
    AccessCodesForm,
    DefinitionUploadForm,
    EmbedContextForm,
    InvitationUploadForm,
    QuestionForm,
    QuestionTextForm,
    QuotaForm,
    ResponseFilterForm,
    SurveyCreateForm,
    SurveySettingsForm,
)
from cxgov.surveys.forms_logic import QuestionLogicForm
from cxgov.surveys.models import Question, Survey
from cxgov.surveys.prepared import RESEARCH_EXPORT, RESEARCH_EXPORT_MAX_AGE, research_params
from cxgov.surveys.research import RESEARCH_FORMATS
from cxgov.surveys.selectors import (
    ResponseFilters,
    access_question,
    access_quota,
    access_response,
    access_survey,
    invitation_summary,
    invitations_for_survey,
    invitations_rows,
    question_library,
    responses_for_survey,
    responses_listed,
    responses_newest,
    responses_rows,
    suppression_threshold,
    survey_has_responses,
    survey_preview,
    survey_response_count,
    survey_versions,
    surveys_for_agency,
)


def _editable_survey(request: HttpRequest, slug: str, survey_id: int) -> Survey:
    return access_survey(
        user=request.user, agency_slug=slug, survey_id=survey_id, need=Can.EDIT_SURVEYS
    )


def _detail_url(survey: Survey) -> str:
    return reverse(
        "surveys:survey_detail", kwargs={"slug": survey.agency.slug, "survey_id": survey.pk}
    )


# A staff page of one survey (`record=`): its `context` beside the survey and its agency.
_survey_page = partial(object_render, name="survey")


def _survey_form_page(
    request: HttpRequest,
    survey: Survey,
    form: BaseForm,
    *,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    title: str,
    success_url: str = "",
    **page: Any,
) -> HttpResponse:
    """A form page of one survey that runs `save` on a valid POST and then goes back to the
    survey (or to `success_url`); `page` adds to the page's context. A form with rows whose
    "Add another" or "Remove" was pressed is shown again with the rows changed, saving nothing."""
    context = {
        "agency": survey.agency,
        "survey": survey,
        "title": title,
        "cancel_url": _detail_url(survey),
        **page,
    }
    if getattr(form, "rows_changed", False):
        return form_page(request, section="surveys", form=form, status=200, **context)
    return form_page_save(
        request,
        section="surveys",
        form=form,
        save=save,
        success_url=success_url or _detail_url(survey),
        success_message=done,
        page=context,
    )


def _new_survey_page(
    request: HttpRequest,
    form: BaseForm,
    *,
    save: Callable[[dict[str, Any]], Survey],
    done: str,
    agency: Agency,
    title: str,
) -> HttpResponse:
    """An agency's page that makes a draft survey with `save` and then shows it."""
    return form_page_save(
        request,
        section="surveys",
        form=form,
        save=save,
        success_url=_detail_url,
        success_message=done,
        page={
            "agency": agency,
            "survey": None,
            "title": title,
            "cancel_url": reverse("surveys:survey_list", kwargs={"slug": agency.slug}),
        },
    )


# --- surveys -------------------------------------------------------------------------------


survey_list = agency_list_view(
    "surveys/survey_list.html",
    edit=Can.EDIT_SURVEYS,
    surveys=surveys_for_agency,
    threshold=lambda agency: suppression_threshold(),
)


@login_required
def survey_create(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.EDIT_SURVEYS)
    return _new_survey_page(
        request,
        SurveyCreateForm(request.POST or None, agency=agency),
        save=lambda data: surveys.survey_create(
            actor=request.user,
            agency=agency,
            template=data["template"],
            title=data["title"],
            services=data["services"],
        ),
        done=_("Survey created as a draft."),
        agency=agency,
        title=_("Create a survey"),
    )


@login_required
def survey_detail(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = access_survey(user=request.user, agency_slug=slug, survey_id=survey_id)
    public_url = request.build_absolute_uri(
        reverse("public:survey", kwargs={"public_id": survey.public_id})
    )
    embed_form, context = _embed_context(request, survey)
    can_edit = user_can(user=request.user, agency=survey.agency, need=Can.EDIT_SURVEYS)
    return _survey_page(
        request,
        "surveys/survey_detail.html",
        record=survey,
        context={
            "embed_form": embed_form,
            "embed": embed_codes(
                survey=survey, base_url=request.build_absolute_uri("/"), context=context
            ),
            "invitations": invitation_summary(survey=survey) if can_edit else None,
            "questions": survey.questions.order_by("position", "id"),
            "locked": survey_has_responses(survey=survey),
            "response_count": survey_response_count(survey=survey),
            "threshold": suppression_threshold(),
            "public_url": public_url,
            "can_edit": can_edit,
            "can_read_responses": user_can(
                user=request.user, agency=survey.agency, need=Can.READ_RESPONSES
            ),
            "can_view_results": user_can(
                user=request.user, agency=survey.agency, need=Can.VIEW_RESULTS
            ),
            "can_file_requests": user_can(
                user=request.user, agency=survey.agency, need=Can.MANAGE_CLEARANCES
            ),
            "versions": survey_versions(survey=survey),
            "quotas": survey.quotas.all() if can_edit else None,
        },
    )


@login_required
def survey_definition_download(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    """The survey's definition document as it stands now."""
    survey = access_survey(user=request.user, agency_slug=slug, survey_id=survey_id)
    return file_response(
        definition_dumps(survey_definition(survey)),
        content_type="application/json",
        filename=f"survey-{survey.pk}-definition.json",
    )


@login_required
def survey_version_download(
    request: HttpRequest, slug: str, survey_id: int, number: int
) -> HttpResponse:
    """The definition document of one published version."""
    survey = access_survey(user=request.user, agency_slug=slug, survey_id=survey_id)
    version = survey.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return file_response(
        definition_dumps(version.definition),
        content_type="application/json",
        filename=f"survey-{survey.pk}-version-{version.number}.json",
    )


@login_required
def survey_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Create a draft survey from an uploaded definition document."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.EDIT_SURVEYS)

    def save(data: dict[str, Any]) -> Survey:
        upload = data["file"]
        try:
            return surveys.survey_import(
                actor=request.user, agency=agency, raw=upload.read(MAX_BYTES + 1)
            )
        except DefinitionError as refused:
            raise ValidationError([str(problem) for problem in refused.problems]) from None

    return _new_survey_page(
        request,
        DefinitionUploadForm(request.POST or None, request.FILES or None),
        save=save,
        done=_("Survey created as a draft from the definition."),
        agency=agency,
        title=_("Import a survey definition"),
    )


@login_required
def quota_list(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    """The survey's quota cells with their counts, and the form that adds one."""
    survey = _editable_survey(request, slug, survey_id)
    return _survey_form_page(
        request,
        survey,
        QuotaForm(request.POST or None),
        save=lambda data: surveys.quota_add(actor=request.user, survey=survey, **data),
        done=_("Quota added."),
        title=_("Quotas"),
        success_url=reverse("surveys:quota_list", kwargs={"slug": slug, "survey_id": survey.pk}),
        template="surveys/quota_list.html",
        quotas=survey.quotas.all(),
    )


quota_remove = button_view(
    access_quota,
    act=surveys.quota_remove,
    done=gettext_lazy("Quota removed."),
    next_url=lambda quota: reverse(
        "surveys:quota_list",
        kwargs={"slug": quota.survey.agency.slug, "survey_id": quota.survey_id},
    ),
)


@login_required
def survey_edit(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = _editable_survey(request, slug, survey_id)
    form = SurveySettingsForm(request.POST or None, instance=survey, agency=survey.agency)
    target = fresh_copy(survey, "agency")

    def save(cleaned: dict[str, Any]) -> None:
        data = dict(cleaned)
        services = data.pop("services")
        data["allowed_origins"] = data.pop("allowed_origins_text")
        surveys.survey_update(actor=request.user, survey=target, services=services, **data)

    return _survey_form_page(
        request,
        survey,
        form,
        save=save,
        done=_("Survey settings saved."),
        title=_("Survey settings"),
    )


# Publishing goes through the survey's review (`core.approvals`), never a button of its own.
_ACTIONS = {
    "close": (surveys.survey_close, "Survey closed: it takes no more responses."),
    "duplicate": (surveys.survey_duplicate, "Copy created as a draft."),
}


survey_action = status_view(
    access_survey, need=Can.EDIT_SURVEYS, actions=_ACTIONS, next_url=_detail_url, follow_result=True
)


@login_required
@xframe_options_sameorigin
@require_http_methods(["GET", "POST"])
def survey_preview_view(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    """The public page as it stands, marked as a preview; the builder's own pages show it in a
    phone-width frame, so only this site may frame it. A question form posted here (its
    "Update the preview" button) is shown in place of the saved question, and saved nowhere."""
    survey = access_survey(user=request.user, agency_slug=slug, survey_id=survey_id)
    shown = survey_preview(survey=survey)
    if request.method == "POST":
        _draft_into(request, shown)
    page = public_page(
        request,
        shown,
        values={},
        errors={},
        context={},
        submission_id="",
        preview=True,
    )
    page._csp_replace = {"frame-ancestors": [SELF]}  # type: ignore[attr-defined]
    return page


def _draft_into(request: HttpRequest, survey: Survey) -> None:
    """Put the posted, unsaved question (`?question=<id>`, or a new one) into `survey`'s
    prefetched questions when its form is valid; else the survey stays as saved."""
    questions = list(survey.questions.all())
    wanted = request.GET.get("question", "")
    current = next((q for q in questions if str(q.pk) == wanted), None)
    draft = (
        copy.copy(current)
        if current
        else Question(survey=survey, position=max([q.position for q in questions] or [0]) + 10)
    )
    form: QuestionForm | QuestionTextForm = (
        QuestionTextForm(request.POST, instance=draft)
        if survey_has_responses(survey=survey)
        else QuestionForm(request.POST, instance=draft, survey=survey)
    )
    if not form.is_valid():
        return
    if isinstance(form, QuestionForm):
        for name, value in form.service_fields().items():
            setattr(draft, name, value)
    shown = [draft if q is current else q for q in questions]
    if current is None:
        shown.append(draft)
    # The public page reads `survey.questions.all()`: the prefetched list stands in for it.
    cached = survey.questions.none()
    cached._result_cache = shown
    cached._prefetch_done = True
    survey._prefetched_objects_cache["questions"] = cached


def _preview_url(survey: Survey) -> str:
    return reverse(
        "surveys:survey_preview", kwargs={"slug": survey.agency.slug, "survey_id": survey.pk}
    )


# --- questions -----------------------------------------------------------------------------

QUESTION_PAGE = "surveys/question_form.html"


def _questions_locked(request: HttpRequest, survey: Survey) -> HttpResponse | None:
    """Back to the survey, saying why, when it has responses and so takes no more questions."""
    if not survey_has_responses(survey=survey):
        return None
    messages.error(request, _("This survey has responses: questions can no longer be added."))
    return redirect(_detail_url(survey))


@login_required
def question_create(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = _editable_survey(request, slug, survey_id)
    if refused := _questions_locked(request, survey):
        return refused
    form = QuestionForm(request.POST or None, survey=survey)

    def save(_data: dict[str, Any]) -> None:
        surveys.question_add(actor=request.user, survey=survey, **form.service_fields())

    return _question_page(request, survey, form, save=save)


@login_required
def question_edit(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    question = access_question(user=request.user, agency_slug=slug, question_id=question_id)
    survey = question.survey
    locked = survey_has_responses(survey=survey)
    form: QuestionForm | QuestionTextForm = (
        QuestionTextForm(request.POST or None, instance=question)
        if locked
        else QuestionForm(request.POST or None, instance=question, survey=survey)
    )
    target = fresh_copy(question, "survey__agency")

    def save(data: dict[str, Any]) -> None:
        fields = form.service_fields() if isinstance(form, QuestionForm) else dict(data)
        surveys.question_update(actor=request.user, question=target, **fields)

    return _question_page(request, survey, form, save=save)


@login_required
def question_logic(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    """The question's page, show-if conditions, skip rules and option order."""
    question = access_question(user=request.user, agency_slug=slug, question_id=question_id)
    survey = question.survey
    form = QuestionLogicForm(request.POST or None, question=question)
    target = fresh_copy(question, "survey__agency")
    return _survey_form_page(
        request,
        survey,
        form,
        save=lambda _data: surveys.question_update(
            actor=request.user, question=target, **form.service_fields()
        ),
        done=_("Question logic saved."),
        title=_("Logic of “%(text)s”") % {"text": question.text[:80]},
        success_url=_detail_url(survey) + "#questions",
        template="surveys/question_logic.html",
        question=question,
    )


def _question_page(
    request: HttpRequest,
    survey: Survey,
    form: QuestionForm | QuestionTextForm,
    *,
    save: Callable[[dict[str, Any]], Any],
) -> HttpResponse:
    """The form page of a new or existing question of `survey`, with its option rows and a
    phone-width preview; saved, it goes back to the survey's questions."""
    adding = form.instance.pk is None
    return _survey_form_page(
        request,
        survey,
        form,
        save=save,
        done=_("Question added.") if adding else _("Question saved."),
        title=_("Add a question") if adding else _("Edit question"),
        success_url=_detail_url(survey) + "#questions",
        template=QUESTION_PAGE,
        preview_url=_preview_url(survey),
    )


@login_required
@require_POST
def question_move(
    request: HttpRequest, slug: str, question_id: int, direction: str
) -> HttpResponse:
    question = access_question(user=request.user, agency_slug=slug, question_id=question_id)
    if direction not in ("up", "down"):
        raise Http404
    return post_action(
        request,
        lambda: surveys.question_move(actor=request.user, question=question, direction=direction),
        done="",
        # Back at the moved question's row, so the keyboard carries on from there.
        next_url=_detail_url(question.survey) + f"#question-{question.pk}",
    )


@login_required
def question_library_view(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    """The A-11, ACSI and employee banks; each item's button adds that one question."""
    survey = _editable_survey(request, slug, survey_id)
    if refused := _questions_locked(request, survey):
        return refused
    url = reverse(
        "surveys:question_library", kwargs={"slug": survey.agency.slug, "survey_id": survey.pk}
    )
    if request.method == "POST":
        bank, _sep, item = str(request.POST.get("item", "")).partition(":")
        try:
            question = surveys.question_add_from_bank(
                actor=request.user, survey=survey, bank=bank, item=item
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return redirect(url)
        messages.success(
            request,
            _("Added “%(text)s” as question %(n)s.")
            % {"text": question.display_text, "n": survey.questions.count()},
        )
        return redirect(f"{url}#item-{bank}-{item}")
    return _survey_page(
        request,
        "surveys/question_library.html",
        record=survey,
        context={
            "banks": question_library(survey=survey),
        },
    )


question_remove = button_view(
    access_question,
    act=surveys.question_remove,
    done=gettext_lazy("Question removed."),
    next_url=lambda question: _detail_url(question.survey) + "#questions",
)


# --- responses -----------------------------------------------------------------------------


def _filters(request: HttpRequest, agency: Agency) -> tuple[ResponseFilterForm, ResponseFilters]:
    form = ResponseFilterForm(request.GET or None, agency=agency)
    return form, form.filters()


def response_downloads(survey: Survey, query: str = "") -> list[tuple[str, str]]:
    """(label, address) of each file of the survey's responses, with the filters in `query`."""
    kwargs = {"slug": survey.agency.slug, "survey_id": survey.pk}
    tail = f"?{query}" if query else ""
    labels = {
        "sav": "SPSS (.sav)",
        "dta": "Stata (.dta)",
        "xlsx": "Excel (.xlsx)",
        "r": _("R (CSV and script, .zip)"),
    }
    return [
        ("CSV", reverse("surveys:response_export", kwargs=kwargs) + tail),
        *(
            (
                labels[fmt],
                reverse("surveys:response_research_export", kwargs={**kwargs, "fmt": fmt}) + tail,
            )
            for fmt in RESEARCH_FORMATS
        ),
    ]


# The response list says exactly how many match up to this many, and "more than" beyond.
RESPONSES_COUNTED = 10_000
# Responses on one page of the list, newest first.
RESPONSES_PER_PAGE = 50


def _older_than(request: HttpRequest) -> int | None:
    """The response id a page of older responses starts below; a first page for anything else
    (the link is ours, so a mangled one just starts over)."""
    given = request.GET.get("older_than", "")
    return int(given) if given.isascii() and given.isdigit() and len(given) < 19 else None


@login_required
def response_list(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = access_survey(
        user=request.user, agency_slug=slug, survey_id=survey_id, need=Can.READ_RESPONSES
    )
    form, filters = _filters(request, survey.agency)
    responses = responses_for_survey(survey=survey, filters=filters)
    visible = responses_listed(survey=survey)
    older_than = _older_than(request)
    page = (
        responses_newest(
            survey=survey, responses=responses, limit=RESPONSES_PER_PAGE, older_than=older_than
        )
        if visible
        else None
    )
    filtered = request.GET.copy()
    filtered.pop("older_than", None)
    if visible:
        audit_record(
            actor=request.user,
            action="survey.responses_read",
            agency=survey.agency,
            target=survey,
            data={"via": "page", "filters": request.GET.urlencode()[:500]},
        )
    return _survey_page(
        request,
        "surveys/response_list.html",
        record=survey,
        context={
            "form": form,
            "responses": page.rows if page else [],
            "older_than": page.older_than if page else None,
            "first_page": older_than is None,
            "per_page": RESPONSES_PER_PAGE,
            "filters_query": filtered.urlencode(),
            # Counted up to a cap: counting a million matches costs more than the page.
            "total": responses[: RESPONSES_COUNTED + 1].count() if visible else None,
            "counted": RESPONSES_COUNTED,
            "listed": visible,
            "threshold": suppression_threshold(),
            "query": request.GET.urlencode(),
            "downloads": response_downloads(survey, request.GET.urlencode()) if visible else [],
            "can_edit": user_can(user=request.user, agency=survey.agency, need=Can.EDIT_SURVEYS)
            and not survey.is_employee,
        },
        status=200 if form.is_valid() or not form.is_bound else 400,
    )


@login_required
def response_export(
    request: HttpRequest, slug: str, survey_id: int
) -> HttpResponse | StreamingHttpResponse:
    survey = access_survey(
        user=request.user, agency_slug=slug, survey_id=survey_id, need=Can.READ_RESPONSES
    )
    form, filters = _filters(request, survey.agency)
    if form.is_bound and not form.is_valid():
        # The response page, with what is wrong beside each filter (400).
        return response_list(request, slug, survey_id)
    rows = responses_rows(
        survey=survey, responses=responses_for_survey(survey=survey, filters=filters)
    )
    audit_record(
        actor=request.user,
        action="survey.responses_export",
        agency=survey.agency,
        target=survey,
        data={"filters": request.GET.urlencode()[:500]},
    )
    return csv_stream_response(None, rows, filename=f"survey-{survey.pk}-responses.csv")


@login_required
def response_research_export(
    request: HttpRequest, slug: str, survey_id: int, fmt: str
) -> HttpResponse:
    """The filtered responses with their labels for SPSS, Stata, Excel or R, prepared by the
    worker; each download is audited when the file is sent."""
    survey = access_survey(
        user=request.user, agency_slug=slug, survey_id=survey_id, need=Can.READ_RESPONSES
    )
    if fmt not in RESEARCH_FORMATS:
        raise Http404
    form, filters = _filters(request, survey.agency)
    if form.is_bound and not form.is_valid():
        return response_list(request, slug, survey_id)
    query = request.GET.urlencode()[:500]

    def audit(_prepared: PreparedFile) -> None:
        audit_record(
            actor=request.user,
            action="survey.responses_export",
            agency=survey.agency,
            target=survey,
            data={"filters": query, "format": fmt},
        )

    return prepared_file_response(
        request,
        kind=RESEARCH_EXPORT,
        agency=survey.agency,
        params=research_params(survey=survey, fmt=fmt, filters=filters),
        max_age=RESEARCH_EXPORT_MAX_AGE,
        on_serve=audit,
        title=_("Responses of “%(survey)s” for research (%(format)s)")
        % {"survey": survey.title, "format": fmt},
    )


_RESPONSE_ACTIONS = {"spam", "valid", "delete", "restore"}


@login_required
@require_POST
def response_action(
    request: HttpRequest, slug: str, survey_id: int, response_id: int, action: str
) -> HttpResponse:
    survey = _editable_survey(request, slug, survey_id)
    if action not in _RESPONSE_ACTIONS or survey.is_employee:
        raise Http404
    response = access_response(
        user=request.user, agency_slug=slug, survey_id=survey.pk, response_id=response_id
    )
    if action in ("spam", "valid"):
        surveys.response_mark(actor=request.user, response=response, spam=action == "spam")
    else:
        surveys.response_delete(actor=request.user, response=response, restore=action == "restore")
    messages.success(request, _("Response updated."))
    back = reverse("surveys:response_list", kwargs={"slug": slug, "survey_id": survey.pk})
    return redirect(back + ("?" + request.POST["query"] if request.POST.get("query") else ""))


# --- distribution --------------------------------------------------------------------------


def _embed_context(request: HttpRequest, survey: Survey) -> tuple[EmbedContextForm, dict[str, str]]:
    form = EmbedContextForm(request.GET or None, survey=survey)
    return form, form.context()


@login_required
def survey_qr(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    """The QR code of the survey page with the chosen context (service, channel, location)."""
    survey = access_survey(user=request.user, agency_slug=slug, survey_id=survey_id)
    _form, context = _embed_context(request, survey)
    codes = embed_codes(survey=survey, base_url=request.build_absolute_uri("/"), context=context)
    return file_response(
        qr_svg(codes.page_url),
        content_type="image/svg+xml",
        filename=f"survey-{survey.pk}-{context.get('loc') or 'qr'}.svg",
        inline=True,
    )


@login_required
def invitation_upload(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = _editable_survey(request, slug, survey_id)
    return import_page(
        request,
        "surveys/invitation_upload.html",
        form=InvitationUploadForm(request.POST or None, request.FILES or None),
        run=lambda data: surveys.invitations_import(
            actor=request.user, survey=survey, source=data["file"]
        ),
        keeps_valid_rows=True,
        section="surveys",
        agency=survey.agency,
        survey=survey,
        title=_("Invite people by email or text message"),
        cancel_url=_detail_url(survey),
    )


@login_required
@require_POST
def invitation_remind(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = _editable_survey(request, slug, survey_id)
    waiting = surveys.invitations_remind(actor=request.user, survey=survey)
    messages.success(request, _("Reminders queued for %(n)s people.") % {"n": waiting})
    return redirect(_detail_url(survey))


def _audit_contacts_read(request: HttpRequest, survey: Survey, action: str, status: str) -> None:
    audit_record(
        actor=request.user,
        action=action,
        agency=survey.agency,
        target=survey,
        data={"status": status},
    )


@login_required
def invitation_list(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    """Each invitation with its status; the contacts shown are a read of personal data."""
    survey = _editable_survey(request, slug, survey_id)
    status = request.GET.get("status", "")[:12]
    invitations = invitations_for_survey(survey=survey, status=status)
    _audit_contacts_read(request, survey, "survey.invitations_read", status)
    return _survey_page(
        request,
        "surveys/invitation_list.html",
        record=survey,
        context={
            "summary": invitation_summary(survey=survey),
            "status": status,
            "invitations": invitations[:500],
            "shown_all": invitations.count() <= 500,
        },
    )


@login_required
def invitation_export(
    request: HttpRequest, slug: str, survey_id: int
) -> HttpResponse | StreamingHttpResponse:
    survey = _editable_survey(request, slug, survey_id)
    status = request.GET.get("status", "")[:12]
    _audit_contacts_read(request, survey, "survey.invitations_export", status)
    return csv_stream_response(
        None,
        invitations_rows(invitations=invitations_for_survey(survey=survey, status=status)),
        filename=f"survey-{survey.pk}-invitations.csv",
    )


@login_required
def access_codes_issue(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    """Issue single-use anonymous codes for an employee survey: the CSV is their only copy."""
    survey = _editable_survey(request, slug, survey_id)
    if not survey.is_employee:
        raise Http404
    form = AccessCodesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = surveys.access_codes_issue(
            actor=request.user, survey=survey, count=form.cleaned_data["count"]
        )
        return csv_response(
            ["code"],
            ([code] for code in codes),
            filename=f"survey-{survey.pk}-access-codes.csv",
        )
    return form_page(
        request,
        section="surveys",
        form=form,
        status=200,
        agency=survey.agency,
        survey=survey,
        title=_("Issue single-use access codes"),
        cancel_url=_detail_url(survey),
    )
