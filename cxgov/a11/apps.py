from django.apps import AppConfig


class A11Config(AppConfig):
    """OMB Circular A-11 Section 280: quarterly CX data collections, imports and exports."""

    name = "cxgov.a11"
    label = "a11"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext
        from django.utils.translation import gettext_lazy as _

        from cxgov.a11 import services
        from cxgov.a11.notices import a11_due_notices
        from cxgov.a11.selectors import access_collection
        from cxgov.core.approval_records import record_kind_register
        from cxgov.core.notices import staff_notice_register
        from cxgov.core.permissions import Can

        staff_notice_register(name="a11.due", provider=a11_due_notices)

        # Submitting and publishing a report go through its review (`core.approvals`): the
        # approval by a second member submits it, read only from then on.
        record_kind_register(
            key=services.APPROVAL_KIND,
            label=_("A-11 quarterly report"),
            access=access_collection,
            edit=Can.EDIT_A11_REPORTS,
            approve=Can.PUBLISH_A11_REPORTS,
            state=services.collection_approval_state,
            title=lambda collection: (
                gettext("%(service)s: A-11 report, %(quarter)s")
                % {"service": collection.service.name, "quarter": collection.period}
            ),
            url_name="a11:collection",
            noun="collection",
            publish=services.collection_publish,
            unpublish=services.collection_unpublish,
            on_submit=lambda *, actor, record: services.collection_review_check(collection=record),
            on_approve=lambda *, actor, record: services.collection_approve(
                actor=actor, collection=record
            ),
            on_return=lambda *, actor, record: services.collection_return_check(collection=record),
        )
