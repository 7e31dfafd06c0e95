"""The Touchpoints file layouts this app reads and writes, as the GSA/touchpoints code defines them.

See ../shared/reference/touchpoints.md §4 and docs/a11.md.
"""

from __future__ import annotations

# The A-11 v2 drivers in Touchpoints' column order.
DRIVER_ORDER = (
    "effectiveness",
    "ease",
    "efficiency",
    "transparency",
    "humanity",
    "employee",
    "other",
)

# Form#to_a11_v2_csv and the CX response upload: exactly these 17 columns, in this order.
A11_V2_COLUMNS = (
    "external_id",
    "question_1",
    *(f"positive_{d}" for d in DRIVER_ORDER),
    *(f"negative_{d}" for d in DRIVER_ORDER),
    "question_4",
)

# CxCollectionDetail.to_csv: the CX collection detail file.
COLLECTION_COLUMNS = (
    "id",
    "organization_id",
    "organization_abbreviation",
    "organization_name",
    "cx_collection_id",
    "cx_collection_fiscal_year",
    "cx_collection_quarter",
    "cx_collection_name",
    "cx_collection_service_provider_id",
    "cx_collection_service_provider_name",
    "cx_collection_service_provider_slug",
    "service_id",
    "service_name",
    "transaction_point",
    "channel",
    "service_stage_id",
    "service_stage_name",
    "service_stage_position",
    "service_stage_count",
    "volume_of_customers",
    "volume_of_customers_provided_survey_opportunity",
    "volume_of_respondents",
    "omb_control_number",
    "survey_type",
    "survey_title",
    "trust_question_text",
    "created_at",
    "updated_at",
)

# The columns of `surveys.results.a11_summary_rows`, in order.
SUMMARY_COLUMNS = (
    "agency",
    "service",
    "channel",
    "fiscal_year",
    "quarter",
    "survey",
    "question_key",
    "question_text",
    "n",
    "count_1",
    "count_2",
    "count_3",
    "count_4",
    "count_5",
    "mean",
    "percent_agree",
    "percent_agree_low",
    "percent_agree_high",
    "suppressed",
)

# Form#to_csv metadata columns around the question columns (the form response export).
TOUCHPOINTS_FORM_META = {
    "id": "id",
    "uuid": "uuid",
    "location code": "location_code",
    "user agent": "",
    "status": "",
    "archived": "",
    "flagged": "flagged",
    "deleted": "deleted",
    "deleted at": "",
    "page": "page",
    "query string": "",
    "hostname": "",
    "referrer": "referrer",
    "created at": "created_at",
    "ip address": "",
    "tags": "",
}

# The performance.gov CX API's quarterly records as GSA/HISP-CX-Data flattens them to CSV: the
# JSON:API `id` and `type`, each attribute with the `attributes_` prefix flattening adds, then two
# descriptions HISP-CX-Data joins on. Exactly the header of its FY2021 file, in its order.
PERFORMANCE_GOV_ATTRIBUTES = (
    "organization_id",
    "organization_name",
    "organization_abbreviation",
    "service_provider_id",
    "service_provider_name",
    "collection_id",
    "collection_name",
    "collection_year",
    "collection_quarter",
    "service_provided",
    "transaction_point",
    "channel",
    "volume_of_customers",
    "volume_of_customers_provided_survey_opportunity",
    "volume_of_respondents",
    "omb_control_number",
    "federal_register_url",
    *(
        f"q{slot}_{part}"
        for slot in range(1, 12)
        for part in ("text", "1", "2", "3", "4", "5", "point_scale")
    ),
    "created_at",
    "updated_at",
    "operational_metrics",
    "service_id",
    "service_name",
    "service_slug",
)
PERFORMANCE_GOV_EXTRA = ("service_desc", "service_provider_desc")
PERFORMANCE_GOV_COLUMNS = (
    "id",
    "type",
    *(f"attributes_{name}" for name in PERFORMANCE_GOV_ATTRIBUTES),
    *PERFORMANCE_GOV_EXTRA,
)

EXPORT_FORMATS = ("summary", "touchpoints-a11-v2", "collection")
IMPORT_FORMATS = ("touchpoints-a11-v2", "touchpoints-form", "cxgov")
