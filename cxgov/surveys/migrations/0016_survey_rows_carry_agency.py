"""Responses, answers and the four rollups carry their survey's agency, first in each unique
key, so the tables can be distributed by agency (docs/scale.md, decision 0069)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models.functions import Coalesce

MODELS = (
    "response",
    "answer",
    "answerrollup",
    "responserollup",
    "answerquarterrollup",
    "responsequarterrollup",
)

FILL = (
    "UPDATE surveys_{model} SET agency_id = (SELECT s.agency_id FROM surveys_survey s "
    "WHERE s.id = surveys_{model}.survey_id)"
)


def _agency(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False,
        null=null,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="core.agency",
    )


def _rollup_key(name: str, *columns: str, value_key: bool) -> models.UniqueConstraint:
    """A rollup's unique key: agency, survey, the given columns, then the context."""
    return models.UniqueConstraint(
        models.F("agency"),
        models.F("survey"),
        *(models.F(column) for column in columns),
        Coalesce("service", 0),
        models.F("channel"),
        Coalesce("segment", 0),
        models.F("language"),
        *([models.F("value_key")] if value_key else []),
        models.F("source"),
        name=name,
    )


KEYS = (
    ("answerrollup", _rollup_key("answer_rollup_unique_key", "question", "day", value_key=True)),
    ("responserollup", _rollup_key("response_rollup_unique_key", "day", value_key=False)),
    (
        "answerquarterrollup",
        _rollup_key(
            "answer_quarter_rollup_unique_key", "question", "quarter_start", value_key=True
        ),
    ),
    (
        "responsequarterrollup",
        _rollup_key("response_quarter_rollup_unique_key", "quarter_start", value_key=False),
    ),
    (
        "response",
        models.UniqueConstraint(
            fields=("agency", "survey", "submission_id"), name="response_unique_submission"
        ),
    ),
)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0015_rollup_watermark")]

    operations = [
        *(
            migrations.AddField(model_name=model, name="agency", field=_agency(True))
            for model in MODELS
        ),
        *(migrations.RunSQL(FILL.format(model=model), migrations.RunSQL.noop) for model in MODELS),
        *(
            migrations.AlterField(model_name=model, name="agency", field=_agency(False))
            for model in MODELS
        ),
        *(
            migrations.RemoveConstraint(model_name=model, name=constraint.name)
            for model, constraint in KEYS
        ),
        *(
            migrations.AddConstraint(model_name=model, constraint=constraint)
            for model, constraint in KEYS
        ),
    ]
