"""The maturity question bank: five A-11 Section 280 dimensions, three statements each, scored
1 to 5 against the same five level descriptions.

Kept as data in code, with every text translated through gettext, so a statement's key never
changes while its wording can. OMB's own instrument was not published where we could read it
(docs/decisions/0050): the statements are ours, written from the dimensions A-11 names.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LOWEST = 1
HIGHEST = 5


@dataclass(frozen=True)
class Level:
    score: int
    label: str | Promise
    description: str | Promise


@dataclass(frozen=True)
class Statement:
    key: str
    text: str | Promise


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str | Promise
    statements: tuple[Statement, ...]


LEVELS: tuple[Level, ...] = (
    Level(1, _("Not started"), _("Nothing of this is in place yet.")),
    Level(2, _("Beginning"), _("Some people do this, case by case, without a shared way.")),
    Level(3, _("Developing"), _("A defined way exists and is used for some services.")),
    Level(4, _("Established"), _("Done the same way across the agency's services.")),
    Level(5, _("Leading"), _("Done everywhere and used routinely to decide and improve.")),
)

DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "measurement",
        _("Measurement"),
        (
            Statement(
                "measurement.feedback",
                _("We collect customer feedback on every channel of our high-impact services."),
            ),
            Statement(
                "measurement.standards",
                _("Our services have posted standards measured from operational data."),
            ),
            Statement(
                "measurement.publish",
                _("We publish our survey results and standards results on time."),
            ),
        ),
    ),
    Dimension(
        "governance",
        _("Governance and Strategy"),
        (
            Statement(
                "governance.leadership",
                _("A senior leader is accountable for customer experience and reviews it."),
            ),
            Statement(
                "governance.plan",
                _("Our CX action plan is tied to the budget and the strategic plan."),
            ),
            Statement(
                "governance.actions",
                _("Actions prompted by customer data are owned, dated and followed up."),
            ),
        ),
    ),
    Dimension(
        "culture",
        _("Culture and Organization"),
        (
            Statement(
                "culture.staff",
                _("Staff have the roles, skills and time to improve customer experience."),
            ),
            Statement(
                "culture.frontline",
                _("Front-line employees are asked about barriers and their ideas are acted on."),
            ),
            Statement(
                "culture.shared",
                _("Customer results are shared with and discussed by staff at every level."),
            ),
        ),
    ),
    Dimension(
        "understanding",
        _("Customer Understanding"),
        (
            Statement(
                "understanding.research",
                _("We do customer research (interviews, journey maps) before we change a service."),
            ),
            Statement(
                "understanding.segments",
                _("We know our customer segments and how their experiences differ."),
            ),
            Statement(
                "understanding.loop",
                _("We close the loop: low scores and complaints get a timely answer."),
            ),
        ),
    ),
    Dimension(
        "design",
        _("Service Design"),
        (
            Statement(
                "design.human",
                _("Services are designed and tested with the people who use them."),
            ),
            Statement(
                "design.accessible",
                _("New and changed services are accessible and offered in customers' languages."),
            ),
            Statement(
                "design.iterate",
                _("We improve services in small steps and measure whether each change helped."),
            ),
        ),
    ),
)

STATEMENTS: dict[str, Statement] = {s.key: s for d in DIMENSIONS for s in d.statements}
DIMENSION_OF: dict[str, str] = {s.key: d.key for d in DIMENSIONS for s in d.statements}
