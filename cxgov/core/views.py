"""Staff pages of core: sign-in, staff home, agency overview and API tokens."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxgov.core.forms import EmailAuthenticationForm, QueuedPasswordResetForm, TokenCreateForm
from cxgov.core.models import Role
from cxgov.core.selectors import (
    access_agency,
    access_token,
    audit_events_for_agency,
    members_for_agency,
    memberships_for_user,
    roles_for_user,
    tokens_for_user,
)
from cxgov.core.services import token_create, token_revoke


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("core:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("core:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        # Proving control of the mailbox ends a lockout from wrong passwords.
        axes_reset(username=form.user.email.lower())
        return super().form_valid(form)


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """The agencies the signed-in person works for and their roles in each."""
    agencies: dict[int, dict] = {}
    for membership in memberships_for_user(user=request.user):
        entry = agencies.setdefault(
            membership.agency_id, {"agency": membership.agency, "roles": []}
        )
        entry["roles"].append(membership.get_role_display())
    return render(
        request,
        "core/staff_home.html",
        {"agencies": list(agencies.values()), "nav_section": "staff"},
    )


@login_required
def agency_overview(request: HttpRequest, slug: str) -> HttpResponse:
    """One agency as its staff see it: roles, members (for admins) and recent changes."""
    agency = access_agency(user=request.user, slug=slug)
    roles = roles_for_user(user=request.user, agency=agency)
    is_admin = Role.AGENCY_ADMIN in roles
    return render(
        request,
        "core/agency_overview.html",
        {
            "agency": agency,
            "roles": sorted(Role(role).label for role in roles),
            "members": members_for_agency(agency=agency) if is_admin else None,
            "audit_events": audit_events_for_agency(agency=agency, limit=25) if is_admin else None,
            "nav_section": "staff",
        },
    )


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The person's API tokens, with a form to create one; a new secret shows once."""
    form = TokenCreateForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _token, new_secret = token_create(user=request.user, name=form.cleaned_data["name"])
        form = TokenCreateForm()
    return render(
        request,
        "core/token_list.html",
        {
            "form": form,
            "tokens": tokens_for_user(user=request.user),
            "new_secret": new_secret,
            "nav_section": "staff",
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = access_token(user=request.user, token_id=token_id)
    token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("core:token_list")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A plain-language page for an expired or foreign form instead of Django's debug text."""
    return render(request, "403_csrf.html", status=403)
