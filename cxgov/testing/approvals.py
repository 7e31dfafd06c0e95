"""Taking a record through its review over HTTP, as two members would (`core.approvals`)."""

from __future__ import annotations

from django.test import Client


def review_url(*, slug: str, kind: str, object_id: int, act: str = "") -> str:
    """The review page of a record, or the URL of one of its steps."""
    base = f"/staff/agencies/{slug}/reviews/{kind}/{object_id}/"
    return f"{base}{act}/" if act else base


def review_step(
    client: Client, *, slug: str, kind: str, object_id: int, act: str, body: str = ""
) -> list[str]:
    """Take one step as the signed-in member; the page's messages after the redirect."""
    response = client.post(
        review_url(slug=slug, kind=kind, object_id=object_id, act=act), {"body": body}, follow=True
    )
    assert response.status_code == 200, response.status_code
    return [str(message) for message in response.context["messages"]]


def review_and_publish(
    *, author: Client, approver: Client, slug: str, kind: str, object_id: int
) -> None:
    """The author sends the record for review; a second member approves and publishes it."""
    for client, act in ((author, "submit"), (approver, "approve"), (approver, "publish")):
        said = review_step(client, slug=slug, kind=kind, object_id=object_id, act=act)
        assert not any("cannot" in text or "another member" in text for text in said), said
