"""The "Failed background tasks" page: dead letters with their error, and a retry button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxgov.core.models import User
from cxgov.core.selectors import access_dead_letter, dead_letters_for_user, may_see_dead_letters
from cxgov.core.services import dead_letter_retry


@login_required
def dead_letter_list(request: HttpRequest) -> HttpResponse:
    """Tasks that failed every attempt, newest first; for superusers and agency admins."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees it
    if not may_see_dead_letters(user=user):
        raise Http404
    letters = list(dead_letters_for_user(user=user)[:200])
    return render(
        request,
        "core/dead_letters.html",
        {
            "waiting": [letter for letter in letters if letter.retried_at is None],
            "retried": [letter for letter in letters if letter.retried_at is not None],
            "nav_section": "staff",
        },
    )


@login_required
@require_POST
def dead_letter_retry_view(request: HttpRequest, dead_letter_id: int) -> HttpResponse:
    """Queue one dead letter again; the retry is audited."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees it
    dead = access_dead_letter(user=user, dead_letter_id=dead_letter_id)
    try:
        dead_letter_retry(dead_letter=dead, actor=user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("The task is queued again."))
    return redirect("core:dead_letters")
