"""What needs a member's attention, on the staff home: each app declares its own notices.

An app registers a provider with `staff_notice_register` in its AppConfig.ready (core imports
no app); the staff home asks every provider for the signed-in person's notices. A provider
reads only the agencies where the person's role holds the capability to act on what the notice
is about (`agencies_for_user(need=...)`), counts with the same selector its list page uses,
and links to that list filtered to the items counted. A provider's queries grow with the
member's agencies, never with the number of items it counts (`core/tests/test_staff_home.py`).
A provider of one count per agency builds its lines with `notices_counted`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from cxgov.core.models import Agency, User

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class StaffNotice:
    """One thing to look at: a line of text and the page where it is handled.

    `key` names the kind of notice (`complaints.overdue`); `count` is how many items the line
    stands for, all of them on the page at `url` (a list filtered to exactly those items), or
    None for a notice about one object."""

    agency: Agency
    key: str
    text: str
    url: str
    count: int | None = None


NoticeProvider = Callable[[User], list[StaffNotice]]

_PROVIDERS: dict[str, NoticeProvider] = {}


def staff_notice_register(*, name: str, provider: NoticeProvider) -> None:
    """Declare a source of staff-home notices; registering a name again replaces it."""
    _PROVIDERS[name] = provider


def staff_notices(*, user: User) -> list[StaffNotice]:
    """Every provider's notices for `user`, by agency name then as each provider orders them."""
    found = [notice for name in sorted(_PROVIDERS) for notice in _PROVIDERS[name](user)]
    return sorted(found, key=lambda notice: notice.agency.name)


def notices_counted(
    *,
    agencies: Iterable[Agency],
    key: str,
    count: Callable[[Agency], int],
    text: StrPromise,
    view: str,
    query: str = "",
    params: Mapping[str, object] | None = None,
) -> list[StaffNotice]:
    """One notice per agency with a non-zero `count`, linked to `view` for the agency plus `query`.

    `text` is an `ngettext_lazy(singular, plural, "count")`: it is formatted with the count
    (which also picks the plural form) and any other `params`, so each app keeps its literal
    strings where makemessages finds them."""
    found = []
    for agency in agencies:
        number = count(agency)
        if number:
            found.append(
                StaffNotice(
                    agency=agency,
                    key=key,
                    count=number,
                    text=text % {"count": number, **(params or {})},
                    url=reverse(view, kwargs={"slug": agency.slug}) + query,
                )
            )
    return found
