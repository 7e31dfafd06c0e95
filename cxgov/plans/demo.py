"""Demo data: the demo agency's customer service plan for the current fiscal year, with its
chosen surveys, published."""

from __future__ import annotations

from django.utils import timezone

from cxgov.core.models import Agency
from cxgov.insights.fiscal import fiscal_quarter
from cxgov.plans.models import Plan, SectionKey
from cxgov.plans.selectors import plan_surveys_choosable
from cxgov.plans.services import (
    plan_create,
    plan_publish,
    plan_section_update,
    plan_surveys_choose,
)
from cxgov.surveys.models import SurveyStatus

DEMO_AGENCY = "fba"

# Short sentences and common words: every section reads at grade 8 or lower.
DEMO_TEXT = {
    SectionKey.CUSTOMERS: (
        "We serve people who have retired from federal work, and their families. "
        "We also serve people who plan to retire soon.",
        "Servimos a personas que se jubilaron de un trabajo federal y a sus familias. "
        "También servimos a quienes piensan jubilarse pronto.",
    ),
    SectionKey.SERVICES: (
        "You can reach us online, by phone or by mail. Pick the way that works best for you.",
        "Puede comunicarse con nosotros por internet, por teléfono o por correo. "
        "Elija la forma que mejor le funcione.",
    ),
    SectionKey.STANDARDS: (
        "These are the promises we make. We show how well we kept them, with the number of "
        "cases we counted.",
        "Estas son nuestras promesas. Le mostramos qué tan bien las cumplimos y cuántos casos "
        "contamos.",
    ),
    SectionKey.SURVEYS: (
        "After you use a service, we may ask you a few short questions. Your answers help us "
        "fix what does not work.",
        "Después de usar un servicio, quizás le hagamos unas preguntas cortas. Sus respuestas "
        "nos ayudan a arreglar lo que no funciona.",
    ),
    SectionKey.BENCHMARKS: (
        "We compare our scores with groups known for good service. This shows us how far we "
        "have to go.",
        "Comparamos nuestros resultados con grupos conocidos por dar buen servicio. Así sabemos "
        "cuánto nos falta.",
    ),
    SectionKey.COMPLAINTS: (
        "If something went wrong, tell us. We read every complaint and we answer you.",
        "Si algo salió mal, díganos. Leemos cada queja y le respondemos.",
    ),
    SectionKey.TRAINING: (
        "Every new staff member who talks with the public takes a customer service course. "
        "Each year, all of them take a refresher. They learn to listen, to explain things "
        "simply and to follow up.",
        "Cada empleado nuevo que habla con el público toma un curso de servicio al cliente. "
        "Cada año, todos toman un repaso. Aprenden a escuchar, a explicar con sencillez y a "
        "dar seguimiento.",
    ),
}


def demo_load() -> Plan | None:
    """Write and publish the demo agency's plan once; running again changes nothing."""
    agency = Agency.objects.filter(slug=DEMO_AGENCY).first()
    if agency is None:
        return None
    year = fiscal_quarter(timezone.localdate()).year
    plan = Plan.objects.filter(agency=agency, year=year).first()
    if plan is not None:
        return plan
    plan = plan_create(actor=None, agency=agency, year=year)
    for key, (english, spanish) in DEMO_TEXT.items():
        plan_section_update(actor=None, plan=plan, key=key, text_en=english, text_es=spanish)
    # Staff name the surveys a plan tells the public about: here, the live customer surveys.
    plan_surveys_choose(
        actor=None,
        plan=plan,
        surveys=list(plan_surveys_choosable(agency=agency).filter(status=SurveyStatus.LIVE)),
    )
    # Published as the approval's publish step does; with no approval row yet, the plan's
    # review reads as published (core.approvals).
    plan_publish(actor=None, plan=plan)
    return plan
