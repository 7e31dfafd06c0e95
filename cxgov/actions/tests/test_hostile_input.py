"""Hostile input on the action form: any text gives a saved action or a 400 naming the field."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.actions.models import ActionItem

pytestmark = pytest.mark.django_db

URL = "/staff/agencies/alpha/actions/new/"
anything = st.text(max_size=300)
hostile = st.one_of(
    anything,
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "99999999999999999999",
            "2027-02-30",
            "<script>x</script>",
            "\x00",
            "'; DROP TABLE x;--",
        ]
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=hostile,
    description=hostile,
    owner=hostile,
    due_date=hostile,
    service=hostile,
    source=hostile,
    other=hostile,
)
def test_hostile_action_form_never_breaks(
    analyst_a_client, analyst_a, title, description, owner, due_date, service, source, other
):
    before = ActionItem.objects.count()
    response = analyst_a_client.post(
        URL,
        {
            "title": title,
            "description": description,
            "owner": owner,
            "due_date": due_date,
            "service": service,
            "source": source,
            "other_source": other,
        },
    )
    assert response.status_code == 400
    assert "Please fix the following" in response.content.decode()
    assert ActionItem.objects.count() == before
    assert "<script>x</script>" not in response.content.decode()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.text(min_size=1, max_size=250), other=st.text(max_size=400))
def test_any_title_with_a_valid_owner_is_saved_or_refused_by_field(
    analyst_a_client, analyst_a, title, other
):
    before = ActionItem.objects.count()
    response = analyst_a_client.post(
        URL,
        {
            "title": title,
            "owner": analyst_a.pk,
            "due_date": "2027-01-31",
            "other_source": other,
        },
    )
    if response.status_code == 302:
        action = ActionItem.objects.latest("id")
        assert action.title == title.strip()
        assert ActionItem.objects.count() == before + 1
    else:
        assert response.status_code == 400
        body = response.content.decode()
        assert 'href="#id_title"' in body or 'href="#id_other_source"' in body
        assert ActionItem.objects.count() == before
