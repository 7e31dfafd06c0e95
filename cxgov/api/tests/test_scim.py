"""SCIM 2.0 provisioning at /scim/v2/, called the way Okta and Microsoft Entra call it: HTTP
requests with the agency's SCIM token, answered in `application/scim+json`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.core.models import AuditEvent, Membership, Role, ScimIdentity, TokenScope, User
from cxgov.core.selectors import roles_for_user
from cxgov.core.services import membership_grant, token_create
from cxgov.testing.factories import UserFactory

SCIM = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
PASSWORD = "provisioned-Pw-4821-long"


@pytest.fixture(autouse=True)
def _no_limits(settings: Any) -> None:
    settings.API_WRITES_PER_MINUTE = 0
    settings.API_READS_PER_MINUTE = 0
    settings.STAFF_MFA_REQUIRED = False


@pytest.fixture
def second_admin_a(agency_a):
    """A second administrator, so the token owner is never the last one."""
    user = UserFactory(email="second.admin@alpha.example.gov")
    membership_grant(user=user, agency=agency_a, role=Role.AGENCY_ADMIN)
    return user


@pytest.fixture
def scim_a(admin_a, agency_a) -> str:
    _, raw = token_create(user=admin_a, name="idp", scope=TokenScope.SCIM, agency=agency_a)
    return raw


@pytest.fixture
def scim_b(handler_b, agency_b) -> str:
    admin_b = UserFactory(email="admin@bravo.example.gov")
    membership_grant(user=admin_b, agency=agency_b, role=Role.AGENCY_ADMIN)
    _, raw = token_create(user=admin_b, name="idp", scope=TokenScope.SCIM, agency=agency_b)
    return raw


def call(method: str, path: str, token: str | None, body: Any = None, **query: Any) -> Any:
    extra: dict[str, Any] = {}
    if token is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if body is not None:
        extra.update(data=json.dumps(body), content_type=SCIM)
    url = "/scim/v2" + path
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return Client(enforce_csrf_checks=True).generic(method, url, **extra)


def new_user(email: str = "new.person@alpha.example.gov", **extra: Any) -> dict[str, Any]:
    return {
        "schemas": [USER],
        "userName": email,
        "name": {"givenName": "New", "familyName": "Person"},
        "emails": [{"value": email, "type": "work", "primary": True}],
        "externalId": "00u1abc",
        "active": True,
        **extra,
    }


def patch(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH], "Operations": list(operations)}


def assert_scim_error(response: Any, status: int, scim_type: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == SCIM
    body = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    assert body["detail"]
    if scim_type is not None:
        assert body["scimType"] == scim_type
    return body


def test_discovery_endpoints_describe_the_service(scim_a):
    config = call("GET", "/ServiceProviderConfig", scim_a)
    assert config.status_code == 200 and config["Content-Type"] == SCIM
    assert config.json()["patch"] == {"supported": True}
    types = call("GET", "/ResourceTypes", scim_a).json()
    assert {t["endpoint"] for t in types["Resources"]} == {"/Users", "/Groups"}
    schemas = call("GET", "/Schemas", scim_a).json()
    assert USER in {s["id"] for s in schemas["Resources"]}
    assert call("GET", f"/Schemas/{USER}", scim_a).json()["name"] == "User"


def test_created_user_is_a_member_with_the_role_and_signs_in(scim_a, agency_a, admin_a):
    created = call(
        "POST", "/Users", scim_a, new_user(roles=[{"value": "cx_analyst"}], password=PASSWORD)
    )
    assert created.status_code == 201, created.content
    assert created["Content-Type"] == SCIM
    body = created.json()
    assert created["Location"].endswith(f"/scim/v2/Users/{body['id']}")
    assert body["userName"] == "new.person@alpha.example.gov"
    assert body["externalId"] == "00u1abc"
    assert body["active"] is True
    assert [g["display"] for g in body["groups"]] == ["alpha:cx_analyst"]
    user = User.objects.get(email="new.person@alpha.example.gov")
    assert user.full_name == "New Person"
    assert roles_for_user(user=user, agency=agency_a) == {Role.CX_ANALYST}
    # the administrators' members page lists the person
    admin = Client()
    admin.force_login(admin_a)
    assert b"new.person@alpha.example.gov" in admin.get("/staff/agencies/alpha/members/").content
    person = Client()
    signed_in = person.post(
        "/accounts/login/", {"username": "new.person@alpha.example.gov", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert person.get("/staff/agencies/alpha/results/").status_code == 200
    actions = set(AuditEvent.objects.filter(agency=agency_a).values_list("action", flat=True))
    assert {"scim.user_create", "membership.grant"} <= actions
    event = AuditEvent.objects.get(action="scim.user_create")
    assert event.actor == admin_a


def test_a_duplicate_user_name_is_a_uniqueness_conflict(scim_a):
    assert call("POST", "/Users", scim_a, new_user()).status_code == 201
    assert_scim_error(call("POST", "/Users", scim_a, new_user()), 409, "uniqueness")


def test_filter_by_user_name_finds_one_person(scim_a, analyst_a):
    call("POST", "/Users", scim_a, new_user())
    found = call("GET", "/Users", scim_a, filter='userName%20eq%20"ANALYST@alpha.example.gov"')
    assert found.status_code == 200, found.content
    body = found.json()
    assert body["totalResults"] == 1
    assert body["Resources"][0]["userName"] == "analyst@alpha.example.gov"
    assert body["Resources"][0]["roles"][0]["value"] == "cx_analyst"
    nobody = call("GET", "/Users", scim_a, filter='userName%20eq%20"nobody@example.gov"').json()
    assert nobody["totalResults"] == 0 and nobody["Resources"] == []


@pytest.mark.parametrize(
    "expression",
    ['userName%20sw%20"a"', "userName", 'title%20eq%20"x"', 'userName%20eq%20"a"%20or%20x'],
)
def test_an_unsupported_filter_is_invalid_filter(scim_a, expression):
    assert_scim_error(call("GET", "/Users", scim_a, filter=expression), 400, "invalidFilter")


def test_users_are_paged_by_start_index_and_count(scim_a, admin_a):
    for n in range(5):
        call("POST", "/Users", scim_a, new_user(f"person{n}@alpha.example.gov"))
    first = call("GET", "/Users", scim_a, startIndex=1, count=2).json()
    assert first["totalResults"] == 6  # the token's owner and five provisioned people
    assert first["itemsPerPage"] == 2 and first["startIndex"] == 1
    seen = [r["id"] for r in first["Resources"]]
    for start in (3, 5):
        page = call("GET", "/Users", scim_a, startIndex=start, count=2).json()
        seen += [r["id"] for r in page["Resources"]]
    assert len(set(seen)) == 6
    assert call("GET", "/Users", scim_a, startIndex=7, count=2).json()["Resources"] == []
    assert_scim_error(call("GET", "/Users", scim_a, count="ten"), 400, "invalidValue")


def test_patch_active_false_deactivates_and_stops_sign_in(scim_a, agency_a):
    user_id = call(
        "POST", "/Users", scim_a, new_user(roles=[{"value": "cx_analyst"}], password=PASSWORD)
    ).json()["id"]
    # Microsoft Entra sends the boolean as a string, with a capitalised op
    patched = call(
        "PATCH",
        f"/Users/{user_id}",
        scim_a,
        patch({"op": "Replace", "path": "active", "value": "False"}),
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["active"] is False
    user = User.objects.get(pk=user_id)
    assert not user.is_active
    assert not Membership.objects.active().filter(user=user).exists()
    assert Membership.objects.filter(user=user, agency=agency_a).exists()  # kept, inactive
    refused = Client().post(
        "/accounts/login/", {"username": "new.person@alpha.example.gov", "password": PASSWORD}
    )
    assert refused.status_code == 200  # the form again, not a redirect into the site
    # and back: Okta sends the change without a path
    call("PATCH", f"/Users/{user_id}", scim_a, patch({"op": "replace", "value": {"active": True}}))
    user.refresh_from_db()
    assert user.is_active
    assert roles_for_user(user=user, agency=agency_a) == {Role.CX_ANALYST}


def test_patch_changes_name_and_email_of_a_provisioned_account(scim_a):
    user_id = call("POST", "/Users", scim_a, new_user()).json()["id"]
    got = call(
        "PATCH",
        f"/Users/{user_id}",
        scim_a,
        patch(
            {"op": "replace", "path": "name.familyName", "value": "Renamed"},
            {"op": "replace", "path": 'emails[type eq "work"].value', "value": "moved@alpha.gov"},
        ),
    )
    assert got.status_code == 200, got.content
    assert got.json()["name"]["formatted"] == "New Renamed"
    assert User.objects.get(pk=user_id).email == "moved@alpha.gov"


def test_put_replaces_the_user(scim_a, agency_a):
    user_id = call("POST", "/Users", scim_a, new_user(roles=["cx_analyst"])).json()["id"]
    body = new_user(name={"formatted": "Put Person"}, roles=[{"value": "oversight"}], active=True)
    got = call("PUT", f"/Users/{user_id}", scim_a, body)
    assert got.status_code == 200, got.content
    assert got.json()["displayName"] == "Put Person"
    assert roles_for_user(user=User.objects.get(pk=user_id), agency=agency_a) == {Role.OVERSIGHT}


def test_another_agencys_account_keeps_its_email_and_password(scim_a, handler_b):
    """Provisioning an address another agency uses adds the role but cannot take it over."""
    created = call("POST", "/Users", scim_a, new_user(handler_b.email, password=PASSWORD))
    assert created.status_code == 201
    handler_b.refresh_from_db()
    assert not handler_b.check_password(PASSWORD)
    moved = call(
        "PATCH",
        f"/Users/{created.json()['id']}",
        scim_a,
        patch({"op": "replace", "path": "userName", "value": "taken@alpha.example.gov"}),
    )
    assert_scim_error(moved, 400, "mutability")
    handler_b.refresh_from_db()
    assert handler_b.email == "handler@bravo.example.gov"


def test_group_membership_adds_and_removes_the_role(scim_a, agency_a):
    user_id = call("POST", "/Users", scim_a, new_user()).json()["id"]
    user = User.objects.get(pk=user_id)
    assert roles_for_user(user=user, agency=agency_a) == set()
    groups = call("GET", "/Groups", scim_a, filter='displayName%20eq%20"alpha:cx_analyst"').json()
    assert groups["totalResults"] == 1
    group = groups["Resources"][0]
    assert group["id"] == "cx_analyst"
    added = call(
        "PATCH",
        "/Groups/cx_analyst",
        scim_a,
        patch({"op": "add", "path": "members", "value": [{"value": user_id}]}),
    )
    assert added.status_code == 200, added.content
    assert user_id in {m["value"] for m in added.json()["members"]}
    assert roles_for_user(user=user, agency=agency_a) == {Role.CX_ANALYST}
    # Okta and Entra remove a member by a filtered path
    call(
        "PATCH",
        "/Groups/cx_analyst",
        scim_a,
        patch({"op": "remove", "path": f'members[value eq "{user_id}"]'}),
    )
    call(
        "PATCH",
        "/Groups/complaint_handler",
        scim_a,
        patch({"op": "add", "value": {"members": [{"value": user_id}]}}),
    )
    assert roles_for_user(user=user, agency=agency_a) == {Role.COMPLAINT_HANDLER}
    assert AuditEvent.objects.filter(action="membership.revoke", agency=agency_a).exists()


def test_the_last_administrator_cannot_be_removed(scim_a, admin_a, agency_a):
    """Removing the agency's only administrator (the token's owner) is refused by the same rule
    as on the members page."""
    got = call(
        "PATCH",
        "/Groups/agency_admin",
        scim_a,
        patch({"op": "remove", "path": f'members[value eq "{admin_a.pk}"]'}),
    )
    assert_scim_error(got, 400)
    assert roles_for_user(user=admin_a, agency=agency_a) == {Role.AGENCY_ADMIN}


def test_delete_deactivates_and_keeps_the_record(scim_a, agency_a, second_admin_a):
    user_id = call("POST", "/Users", scim_a, new_user(roles=["cx_analyst"])).json()["id"]
    deleted = call("DELETE", f"/Users/{user_id}", scim_a)
    assert deleted.status_code == 204
    assert_scim_error(call("GET", f"/Users/{user_id}", scim_a), 404)
    user = User.objects.get(pk=user_id)
    assert not user.is_active
    assert Membership.objects.filter(user=user, agency=agency_a, is_active=False).exists()
    assert ScimIdentity.objects.get(user=user).deleted_at is not None
    assert AuditEvent.objects.filter(action="scim.user_delete", target_id=str(user_id)).exists()
    # provisioned again, the person comes back
    again = call("POST", "/Users", scim_a, new_user(roles=["cx_analyst"]))
    assert again.status_code == 201 and again.json()["id"] == user_id
    assert again.json()["active"] is True


def test_another_agencys_token_gets_404_for_this_agencys_people(scim_a, scim_b, analyst_a):
    user_id = call("POST", "/Users", scim_a, new_user()).json()["id"]
    missing = call("GET", "/Users/999999999", scim_b)
    assert_scim_error(missing, 404)
    for method, body in (
        ("GET", None),
        ("PUT", new_user()),
        ("PATCH", patch({"op": "replace", "path": "active", "value": False})),
        ("DELETE", None),
    ):
        for target in (user_id, analyst_a.pk):
            got = call(method, f"/Users/{target}", scim_b, body)
            assert (got.status_code, got.content) == (404, missing.content), (method, target)
    listed = call("GET", "/Users", scim_b, filter='userName%20eq%20"analyst@alpha.example.gov"')
    assert listed.json()["totalResults"] == 0
    # another agency's person is not a member B's provider can add to a group
    added = call(
        "PATCH",
        "/Groups/cx_analyst",
        scim_b,
        patch({"op": "add", "path": "members", "value": [{"value": str(analyst_a.pk)}]}),
    )
    assert_scim_error(added, 400, "invalidValue")
    assert Membership.objects.filter(user=analyst_a).count() == 1
    assert User.objects.get(pk=user_id).is_active


def test_without_a_scim_token_the_answer_is_401(scim_a, admin_a, analyst_a):
    _, api_token = token_create(user=admin_a, name="rest")
    for token in (None, "cxg_nothing_here", api_token):
        for method, path in (("GET", "/Users"), ("POST", "/Users"), ("GET", "/Groups")):
            assert_scim_error(call(method, path, token, new_user()), 401)
    # and a SCIM token is refused by the REST API
    rest = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {scim_a}")
    assert rest.status_code == 401


def test_a_token_stops_working_when_its_owner_stops_administering(scim_a, admin_a, agency_a):
    Membership.objects.filter(user=admin_a).update(is_active=False)
    assert_scim_error(call("GET", "/Users", scim_a), 401)


def test_only_an_administrator_gets_a_scim_token(analyst_a, agency_a, admin_a, capsys):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        token_create(user=analyst_a, name="idp", scope=TokenScope.SCIM, agency=agency_a)
    call_command("scim_token", agency="alpha", email=admin_a.email)
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert call("GET", "/Users", raw).status_code == 200


def test_unknown_paths_and_methods_answer_in_the_scim_error_body(scim_a):
    assert_scim_error(call("GET", "/Nothing", scim_a), 404)
    assert_scim_error(call("GET", "/Groups/no_such_role", scim_a), 404)
    assert_scim_error(call("POST", "/ServiceProviderConfig", scim_a, {}), 405)
    assert_scim_error(call("POST", "/Users", scim_a, "[1, 2]"), 400, "invalidSyntax")
    bad = Client().generic(
        "POST",
        "/scim/v2/Users",
        data=b"{not json",
        content_type=SCIM,
        HTTP_AUTHORIZATION=f"Bearer {scim_a}",
    )
    assert_scim_error(bad, 400, "invalidSyntax")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
user_keys = st.sampled_from(
    ["userName", "name", "emails", "active", "roles", "externalId", "password", "groups", "id"]
)
operations = st.fixed_dictionaries(
    {
        "op": st.sampled_from(["add", "replace", "remove", "Replace", "move"])
        | st.text(max_size=5),
        "path": st.none()
        | st.sampled_from(["active", "members", 'members[value eq "1"]', "name.givenName"])
        | st.text(max_size=20),
        "value": json_values,
    }
)
bodies = (
    json_values
    | st.dictionaries(user_keys, json_values, max_size=6)
    | st.fixed_dictionaries({"Operations": st.lists(operations, max_size=3)})
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies, method=st.sampled_from(["POST", "PUT", "PATCH"]), where=st.integers(0, 2))
def test_hostile_bodies_answer_success_or_a_scim_error(body, method, where, scim_a, analyst_a):
    path = ["/Users", f"/Users/{analyst_a.pk}", "/Groups/cx_analyst"][where]
    got = call(method, path, scim_a, body)
    assert got.status_code < 500, got.content
    assert got["Content-Type"] == SCIM
    if got.status_code >= 400:
        assert_scim_error(got, got.status_code)


def test_the_root_answers_a_scim_404(client):
    assert_scim_error(client.get("/scim/v2/"), 404)


def test_patch_roles_sets_the_whole_set_of_roles(scim_a, agency_a):
    user_id = call("POST", "/Users", scim_a, new_user(roles=["cx_analyst"])).json()["id"]
    got = call(
        "PATCH",
        f"/Users/{user_id}",
        scim_a,
        patch({"op": "replace", "path": "roles", "value": [{"value": "service_manager"}]}),
    )
    assert got.status_code == 200, got.content
    assert [r["value"] for r in got.json()["roles"]] == ["service_manager"]
    unknown = call(
        "PATCH",
        f"/Users/{user_id}",
        scim_a,
        patch({"op": "add", "path": "roles", "value": [{"value": "emperor"}]}),
    )
    assert_scim_error(unknown, 400, "invalidValue")


def test_a_group_added_while_inactive_grants_nothing_until_reactivated(scim_a, agency_a):
    user_id = call("POST", "/Users", scim_a, new_user(active=False)).json()["id"]
    call(
        "PATCH",
        "/Groups/oversight",
        scim_a,
        patch({"op": "add", "path": "members", "value": [{"value": user_id}]}),
    )
    user = User.objects.get(pk=user_id)
    assert Membership.objects.filter(user=user, role=Role.OVERSIGHT, is_active=False).exists()
    assert roles_for_user(user=user, agency=agency_a) == set()
    call("PATCH", f"/Users/{user_id}", scim_a, patch({"op": "replace", "value": {"active": True}}))
    assert roles_for_user(user=user, agency=agency_a) == {Role.OVERSIGHT}
