"""Keys and roles: every route x every role, a missing key and an unknown one."""

from __future__ import annotations

import pytest

from api.keys import create_key, revoke_key
from api.roles import AUDITORS, INGESTORS, READERS, Role

PUBLIC = "public"
POST_BODY = {
    "source": "auth-test",
    "records": [{"source_id": "a1", "text": "fine week", "created_at": "2026-03-03T10:00:00Z"}],
}
# (method, path, who may use it)
ROUTES = [
    ("GET", "/v1/trends", READERS),
    ("GET", "/v1/breakdowns?by=org_unit", READERS),
    ("GET", "/v1/topics", READERS),
    ("GET", "/v1/themes", READERS),
    ("GET", "/v1/alerts", READERS),
    ("GET", "/v1/reports?format=json", READERS),
    ("GET", "/v1/models", READERS),
    ("GET", "/v1/audit", AUDITORS),
    ("POST", "/v1/posts", INGESTORS),
    ("GET", "/v1/health", PUBLIC),
    ("GET", "/v1/ready", PUBLIC),
]
CALLERS = [role.value for role in Role] + ["missing key", "unknown key"]


def _call(api, method: str, path: str, caller: str):
    if caller == "missing key":
        headers = {}
    elif caller == "unknown key":
        headers = {"Authorization": "Bearer brm_not-a-key-anyone-was-given"}
    else:
        headers = api.auth(caller)
    if method == "POST":
        return api.client.post(path, json=POST_BODY, headers=headers)
    return api.client.get(path, headers=headers)


def _expected(allowed, caller: str) -> int:
    if allowed == PUBLIC or caller in allowed:
        return 200
    return 401 if caller in ("missing key", "unknown key") else 403


@pytest.mark.parametrize(("method", "path", "allowed"), ROUTES, ids=[r[1] for r in ROUTES])
def test_every_route_admits_its_roles_only(api, method, path, allowed) -> None:
    answered = {caller: _call(api, method, path, caller).status_code for caller in CALLERS}
    assert answered == {caller: _expected(allowed, caller) for caller in CALLERS}


def test_an_unauthenticated_answer_says_how_to_authenticate(api) -> None:
    response = api.get("/v1/trends")
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "detail": "Send an API key as 'Authorization: Bearer <key>'; "
        "`barometer keys create` makes one."
    }


def test_a_wrong_role_is_told_which_roles_may(api) -> None:
    response = api.get("/v1/audit", "people_ops")
    assert response.json()["detail"] == (
        "The people_ops role cannot use this route; admin, employee_rep can."
    )


def test_a_revoked_key_is_refused(api) -> None:
    key, secret = create_key(api.engine, "people_ops", "leaving analyst")
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.client.get("/v1/topics", headers=headers).status_code == 200
    revoke_key(api.engine, key.id)
    assert api.client.get("/v1/topics", headers=headers).status_code == 401
