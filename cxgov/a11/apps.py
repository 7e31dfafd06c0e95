from django.apps import AppConfig


class A11Config(AppConfig):
    """OMB Circular A-11 Section 280: quarterly CX data collections, imports and exports."""

    name = "cxgov.a11"
    label = "a11"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.translation import gettext
        from django.utils.translation import gettext_lazy as _

        from cxgov.a11 import services
        from cxgov.a11.notices import a11_due_notices
        from cxgov.a11.selectors import access_collection
        from cxgov.core.approvals import ApprovalKind, approval_kind_register
        from cxgov.core.notices import staff_notice_register
        from cxgov.core.permissions import Can

        staff_notice_register(name="a11.due", provider=a11_due_notices)

        # Submitting and publishing a report go through its review (`core.approvals`): the
        # approval by a second member submits it, read only from then on.
        approval_kind_register(
            ApprovalKind(
                key=services.APPROVAL_KIND,
                label=_("A-11 quarterly report"),
                access=access_collection,
                id_name="collection_id",
                edit=Can.EDIT_A11_REPORTS,
                approve=Can.PUBLISH_A11_REPORTS,
                state=services.collection_approval_state,
                title=lambda collection: (
                    gettext("%(service)s: A-11 report, %(quarter)s")
                    % {"service": collection.service.name, "quarter": collection.period}
                ),
                url=lambda collection: reverse(
                    "a11:collection",
                    kwargs={"slug": collection.agency.slug, "collection_id": collection.pk},
                ),
                on_submit=lambda *, actor, record: services.collection_review_check(
                    collection=record
                ),
                on_approve=lambda *, actor, record: services.collection_approve(
                    actor=actor, collection=record
                ),
                on_return=lambda *, actor, record: services.collection_return_check(
                    collection=record
                ),
                on_publish=lambda *, actor, record: services.collection_publish(
                    actor=actor, collection=record
                ),
                on_unpublish=lambda *, actor, record, reason: services.collection_unpublish(
                    actor=actor, collection=record, reason=reason
                ),
            )
        )
