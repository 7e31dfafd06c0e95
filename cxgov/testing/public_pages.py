"""Every public page's address in the demo, by URL name: the list tests walk."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from cxgov.complaints.models import Complaint
from cxgov.core.models import Agency
from cxgov.registry.models import Service, ServiceStatus
from cxgov.surveys.models import Survey, SurveyStatus

SERVICE = "apply-for-retirement-benefits"


def public_page_paths() -> dict[str, str]:
    """Each public URL name → a path that answers it for the demo agency (English; prefix /es
    for Spanish). Needs the demo in the database."""
    survey = Survey.objects.filter(agency__slug="fba", status=SurveyStatus.LIVE).first()
    complaint = Complaint.objects.filter(agency__slug="fba").first()
    assert survey is not None, "the demo is not loaded"
    assert complaint is not None, "the demo is not loaded"
    return {
        "home": "/",
        "agency": "/agencies/fba/",
        "service": f"/agencies/fba/services/{SERVICE}/",
        "agency_standards": "/agencies/fba/standards/",
        "service_standards": f"/agencies/fba/services/{SERVICE}/standards/",
        "service_performance": f"/agencies/fba/services/{SERVICE}/performance/",
        "feedback": "/feedback/",
        "complaint_start": "/complaints/",
        "survey": f"/surveys/{survey.public_id}/",
        "survey_thanks": f"/surveys/{survey.public_id}/thanks/",
        "survey_embed": f"/surveys/{survey.public_id}/embed/",
        "survey_widget": f"/surveys/{survey.public_id}/widget.json",
        "survey_widget_submit": f"/surveys/{survey.public_id}/widget/",
        "survey_widget_page": f"/surveys/{survey.public_id}/widget/page/",
        "sms_status": "/surveys/sms-status/not-a-signed-token/",
        "survey_opt_out": "/surveys/opt-out/not-a-signed-token/",
        "survey_resume": f"/surveys/{survey.public_id}/resume/not-a-token/",
        "complaint_new": "/agencies/fba/complaints/new/",
        "complaint_status": "/complaints/status/",
        "complaints_data": "/agencies/fba/complaints.csv",
        "complaint_track": f"/complaints/status/{complaint.tracking_number}/",
        "complaint_filed": f"/complaints/filed/{complaint.tracking_number}/",
        "complaint_reply": f"/complaints/status/{complaint.tracking_number}/reply/",
        "complaint_attachment": f"/complaints/status/{complaint.tracking_number}/files/1/",
        "complaint_link": "/complaints/link/not-a-signed-link/",
        "agency_plan": "/agencies/fba/plan/",
        "agency_plan_pdf": "/agencies/fba/plan.pdf",
        "agency_action_plan": "/agencies/fba/action-plan/",
        "agency_action_plan_pdf": "/agencies/fba/action-plan.pdf",
        "data_index": "/data/",
        "data_dictionary": "/data/a11-quarterly/",
        "accessibility": "/accessibility/",
        "accessibility_conformance": "/accessibility/conformance/",
        "accessibility_openacr": "/accessibility/openacr.yaml",
        "barrier_start": "/accessibility/report/",
        "barrier_new": "/agencies/fba/accessibility/report/",
        "barrier_filed": f"/accessibility/report/filed/{complaint.tracking_number}/",
    }


def public_kwargs(agency: Agency) -> list[dict[str, Any]]:
    """Keyword sets a public address of the agency may take, tried in turn."""
    service = Service.objects.filter(agency=agency, status=ServiceStatus.PUBLISHED).first()
    survey = Survey.objects.filter(agency=agency, status=SurveyStatus.LIVE).first()
    sets: list[dict[str, Any]] = [{}, {"slug": agency.slug}]
    if service is not None:
        sets.append({"agency_slug": agency.slug, "service_slug": service.slug})
    if survey is not None:
        sets.append({"public_id": survey.public_id})
    return sets


def public_address(name: str, agency: Agency) -> str:
    """The address of the public URL `name` for the agency's first published service or live
    survey, whichever it takes; NoReverseMatch when it needs another object."""
    for kwargs in public_kwargs(agency):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise NoReverseMatch(name)
