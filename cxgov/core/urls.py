from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import path

from cxgov.core import views, views_approvals, views_calendar, views_members, views_tasks
from cxgov.core.auth import second_factor_required

app_name = "core"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path(
        "accounts/logout/",
        auth_views.LogoutView.as_view(),
        name="logout",
    ),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/",
        login_required(second_factor_required(views.PasswordChangeView.as_view())),
        name="password_change",
    ),
    path("accounts/keepalive/", views.session_keepalive, name="keepalive"),
    path(
        "accounts/invitation/<str:token>/",
        views_members.member_invitation_accept_view,
        name="member_invitation_accept",
    ),
    path("accounts/two-factor/setup/", views.mfa_setup, name="mfa_setup"),
    path("accounts/two-factor/", views.mfa_verify, name="mfa_verify"),
    path(
        "accounts/two-factor/recovery-codes/",
        views.mfa_recovery_codes,
        name="mfa_recovery_codes",
    ),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/tokens/", views.token_list, name="token_list"),
    path("staff/tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("staff/tasks/failed/", views_tasks.dead_letter_list, name="dead_letters"),
    path(
        "staff/tasks/failed/<int:dead_letter_id>/retry/",
        views_tasks.dead_letter_retry_view,
        name="dead_letter_retry",
    ),
    path("staff/agencies/<slug:slug>/", views.agency_overview, name="agency_overview"),
    path("staff/agencies/<slug:slug>/members/", views_members.member_list, name="member_list"),
    path(
        "staff/agencies/<slug:slug>/reviews/", views_approvals.approval_list, name="approval_list"
    ),
    path(
        "staff/agencies/<slug:slug>/reviews/<slug:kind>/<int:object_id>/",
        views_approvals.approval_detail,
        name="approval_detail",
    ),
    path(
        "staff/agencies/<slug:slug>/reviews/<slug:kind>/<int:object_id>/<slug:act>/",
        views_approvals.approval_step,
        name="approval_step",
    ),
    path(
        "staff/agencies/<slug:slug>/calendar/",
        views_calendar.agency_calendar_page,
        name="agency_calendar",
    ),
    path(
        "staff/agencies/<slug:slug>/calendar/import/",
        views_calendar.closure_import,
        name="closure_import",
    ),
    path(
        "staff/agencies/<slug:slug>/calendar/closures/<int:closure_id>/remove/",
        views_calendar.closure_remove_view,
        name="closure_remove",
    ),
    path(
        "staff/agencies/<slug:slug>/scim-tokens/",
        views_members.scim_token_list,
        name="scim_token_list",
    ),
    path(
        "staff/agencies/<slug:slug>/scim-tokens/<int:scim_token_id>/revoke/",
        views_members.scim_token_revoke,
        name="scim_token_revoke",
    ),
    path(
        "staff/agencies/<slug:slug>/members/invite/",
        views_members.member_invite,
        name="member_invite",
    ),
    path(
        "staff/agencies/<slug:slug>/members/<int:membership_id>/",
        views_members.member_edit,
        name="member_edit",
    ),
    path(
        "staff/agencies/<slug:slug>/members/<int:membership_id>/reset-two-factor/",
        views.member_mfa_reset,
        name="member_mfa_reset",
    ),
    path(
        "staff/agencies/<slug:slug>/members/<int:membership_id>/<slug:action>/",
        views_members.member_status,
        name="member_status",
    ),
    path(
        "staff/agencies/<slug:slug>/invitations/<int:invitation_id>/cancel/",
        views_members.member_invitation_cancel_view,
        name="member_invitation_cancel",
    ),
]
