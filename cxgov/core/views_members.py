"""Staff pages of an agency's members (administrators only) and the page where an invited
person accepts their invitation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cxgov.core.auth import second_factor_required
from cxgov.core.forms import (
    MemberInvitationAcceptForm,
    MemberInviteForm,
    MembershipRoleForm,
    ScimTokenCreateForm,
    form_add_errors,
)
from cxgov.core.models import Membership, TokenScope
from cxgov.core.pages import form_page_save, post_action, status_view
from cxgov.core.permissions import Can
from cxgov.core.selectors import (
    access_agency,
    access_member_invitation,
    access_membership,
    access_scim_token,
    account_exists,
    member_invitation_for_link,
    member_invitations_pending,
    members_for_agency,
    scim_tokens_for_agency,
)
from cxgov.core.services import (
    member_invitation_accept,
    member_invitation_cancel,
    member_invitation_create,
    member_invitation_problem,
    membership_deactivate,
    membership_reactivate,
    membership_role_change,
    token_revoke,
)
from cxgov.core.tables import Link, Table, tables_page
from cxgov.core.views import token_page

SECTION = "members"


def _members_table(agency_slug: str, members: list[Membership]) -> Table:
    table = Table(
        id="members",
        caption=_("People with a role in this agency"),
        header=[_("Name"), _("Email"), _("Role"), _("Status"), _("Last sign-in")],
    )
    for membership in members:
        person = membership.user
        url = reverse(
            "core:member_edit", kwargs={"slug": agency_slug, "membership_id": membership.pk}
        )
        last = person.last_login
        table.rows.append(
            [
                Link(person.full_name or person.email, url),
                person.email,
                membership.get_role_display(),
                _("Active") if membership.is_active else _("Deactivated"),
                formats.date_format(last, "SHORT_DATETIME_FORMAT") if last else _("Never"),
            ]
        )
    return table


@login_required
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The agency's members with their role, status and last sign-in, and pending invitations."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.ADMINISTER_AGENCY)
    members = list(members_for_agency(agency=agency))
    return tables_page(
        request,
        "core/member_list.html",
        {
            "agency": agency,
            "invitations": member_invitations_pending(agency=agency),
        },
        tables=[_members_table(agency.slug, members)],
        filename=f"{agency.slug}-members",
    )


@login_required
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite a person by email; the link is emailed to them in their language."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.ADMINISTER_AGENCY)
    form = MemberInviteForm(request.POST or None)
    list_url = reverse("core:member_list", kwargs={"slug": agency.slug})
    return form_page_save(
        request,
        section=SECTION,
        form=form,
        save=lambda data: member_invitation_create(
            agency=agency,
            email=data["email"],
            role=data["role"],
            language=data["language"],
            actor=request.user,
        ),
        success_url=list_url,
        success_message=_("The invitation is on its way to %(email)s.")
        % {"email": form.data.get("email", "").strip().lower()},
        page={"title": _("Invite a member"), "agency": agency, "cancel_url": list_url},
    )


@login_required
def member_edit(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """One membership: change its role, deactivate or reactivate it, reset two-step sign-in."""
    membership = access_membership(user=request.user, agency_slug=slug, membership_id=membership_id)
    agency = membership.agency
    form = MembershipRoleForm(request.POST or None, initial={"role": membership.role})
    page: dict[str, Any] = {
        "title": membership.user.full_name or membership.user.email,
        "agency": agency,
        "membership": membership,
        "is_self": membership.user_id == request.user.pk,
        "cancel_url": reverse("core:member_list", kwargs={"slug": agency.slug}),
        "template": "core/member_edit.html",
    }
    return form_page_save(
        request,
        section=SECTION,
        form=form,
        save=lambda data: membership_role_change(
            membership=membership, role=data["role"], actor=request.user
        ),
        success_url=reverse(
            "core:member_edit", kwargs={"slug": agency.slug, "membership_id": membership.pk}
        ),
        success_message=_("The role of %(email)s is saved.") % {"email": membership.user.email},
        page=page,
    )


STATUS_ACTIONS = {
    "deactivate": (
        membership_deactivate,
        gettext_noop("The membership is deactivated: it grants nothing until it is reactivated."),
    ),
    "reactivate": (membership_reactivate, gettext_noop("The membership is active again.")),
}


member_status = status_view(
    access_membership,
    need=Can.ADMINISTER_AGENCY,
    actions=STATUS_ACTIONS,
    next_url=lambda membership: reverse(
        "core:member_edit", kwargs={"slug": membership.agency.slug, "membership_id": membership.pk}
    ),
)


@login_required
@require_POST
def member_invitation_cancel_view(
    request: HttpRequest, slug: str, invitation_id: int
) -> HttpResponse:
    invitation = access_member_invitation(
        user=request.user, agency_slug=slug, invitation_id=invitation_id
    )
    return post_action(
        request,
        lambda: member_invitation_cancel(invitation=invitation, actor=request.user),
        done=_("The invitation for %(email)s is withdrawn; its link no longer works.")
        % {"email": invitation.email},
        next_url=reverse("core:member_list", kwargs={"slug": invitation.agency.slug}),
    )


@never_cache
def member_invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: a new person chooses a password, a known one confirms.

    Opening the link changes nothing (mail scanners open links); the button does.
    """
    invitation = member_invitation_for_link(token=token)
    if invitation is None:
        return render(
            request,
            "registration/member_invitation.html",
            {
                "problem": _(
                    "This invitation link is not valid. Copy the whole link from the email, "
                    "or ask your agency administrator to invite you again."
                )
            },
            status=404,
        )
    problem = member_invitation_problem(invitation=invitation)
    if problem:
        return render(
            request,
            "registration/member_invitation.html",
            {"problem": problem, "invitation": invitation},
            status=410,
        )
    has_account = account_exists(email=invitation.email)
    form = (
        None
        if has_account
        else MemberInvitationAcceptForm(request.POST or None, email=invitation.email)
    )
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            member_invitation_accept(
                invitation=invitation,
                full_name=data.get("full_name", ""),
                password=data.get("password1"),
            )
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect("core:login")
            form_add_errors(form, error)
        else:
            messages.success(
                request,
                _("You are now a member of %(agency)s. Sign in to start.")
                % {"agency": invitation.agency.display_name},
            )
            return redirect("core:login")
    return render(
        request,
        "registration/member_invitation.html",
        {
            "invitation": invitation,
            "agency_name": invitation.agency.display_name,
            "has_account": has_account,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@second_factor_required
def scim_token_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The agency's SCIM tokens, for its identity provider, with a form to create one; a new
    secret shows once. The person who creates one owns it: it stops working when they no
    longer administer the agency."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.ADMINISTER_AGENCY)
    return token_page(
        request,
        "core/scim_token_list.html",
        form_class=ScimTokenCreateForm,
        token_fields={"scope": TokenScope.SCIM, "agency": agency},
        agency=agency,
        tokens=scim_tokens_for_agency(agency=agency),
        scim_base_url=request.build_absolute_uri("/scim/v2/"),
    )


@login_required
@second_factor_required
@require_POST
def scim_token_revoke(request: HttpRequest, slug: str, scim_token_id: int) -> HttpResponse:
    """Revoke one of the agency's SCIM tokens, whoever made it; audited."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.ADMINISTER_AGENCY)
    token = access_scim_token(agency=agency, token_id=scim_token_id)
    token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("core:scim_token_list", slug=agency.slug)
