from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import path

from cxgov.core import views, views_approvals, views_calendar, views_members, views_tasks
from cxgov.core.auth import second_factor_required
from cxgov.core.routes import path_under

app_name = "core"

account = path_under("accounts/")
staff_agency = path_under("staff/agencies/<slug:slug>/")
member = path_under("staff/agencies/<slug:slug>/members/<int:membership_id>/")
review = path_under("staff/agencies/<slug:slug>/reviews/<slug:kind>/<int:object_id>/")

urlpatterns = [
    account("login/", views.LoginView.as_view(), name="login"),
    account("logout/", auth_views.LogoutView.as_view(), name="logout"),
    account("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    account(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    account(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    account(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    account(
        "password/",
        login_required(second_factor_required(views.PasswordChangeView.as_view())),
        name="password_change",
    ),
    account("keepalive/", views.session_keepalive, name="keepalive"),
    account(
        "invitation/<str:token>/",
        views_members.member_invitation_accept_view,
        name="member_invitation_accept",
    ),
    account("two-factor/setup/", views.mfa_setup, name="mfa_setup"),
    account("two-factor/", views.mfa_verify, name="mfa_verify"),
    account("two-factor/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/tokens/", views.token_list, name="token_list"),
    path("staff/tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("staff/tasks/failed/", views_tasks.dead_letter_list, name="dead_letters"),
    path(
        "staff/tasks/failed/<int:dead_letter_id>/retry/",
        views_tasks.dead_letter_retry_view,
        name="dead_letter_retry",
    ),
    staff_agency("", views.agency_overview, name="agency_overview"),
    staff_agency("members/", views_members.member_list, name="member_list"),
    staff_agency("reviews/", views_approvals.approval_list, name="approval_list"),
    review("", views_approvals.approval_detail, name="approval_detail"),
    review("<slug:act>/", views_approvals.approval_step, name="approval_step"),
    staff_agency("calendar/", views_calendar.agency_calendar_page, name="agency_calendar"),
    staff_agency("calendar/import/", views_calendar.closure_import, name="closure_import"),
    staff_agency(
        "calendar/closures/<int:closure_id>/remove/",
        views_calendar.closure_remove_view,
        name="closure_remove",
    ),
    staff_agency("scim-tokens/", views_members.scim_token_list, name="scim_token_list"),
    staff_agency(
        "scim-tokens/<int:scim_token_id>/revoke/",
        views_members.scim_token_revoke,
        name="scim_token_revoke",
    ),
    staff_agency("members/invite/", views_members.member_invite, name="member_invite"),
    member("", views_members.member_edit, name="member_edit"),
    member("reset-two-factor/", views.member_mfa_reset, name="member_mfa_reset"),
    member("<slug:action>/", views_members.member_status, name="member_status"),
    staff_agency(
        "invitations/<int:invitation_id>/cancel/",
        views_members.member_invitation_cancel_view,
        name="member_invitation_cancel",
    ),
]
