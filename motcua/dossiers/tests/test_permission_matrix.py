"""Who may learn what about a dossier: every role × own/other agency (own/other applicant) × every endpoint.

The dossier under test was received at the commune desk (the *desk* agency), is decided and held now by
the Department of Justice (the *decider*), and has an open consultation with the Department of Health
(the *consulted* agency). A fourth agency (*other*) has nothing to do with it. One user is made per
(scope, staff role), holding only that role in that agency; the citizen is the applicant, the stranger
another citizen, the taker a citizen who typed the applicant's identifier on their own profile (the
takeover of issue 10, item 1); and an anonymous caller.

The expected answers come from `TABLE` below, written by hand from docs/design.md §4 and the issue, never from
the code under test. Outside the dossier's scope the answer is the one a non-existent code gets (same
status, same body) and the dossier is absent from lists; nothing a refused caller sends changes it.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.testing.pages import refusal_text
from motcua.dossiers.models import Dossier
from motcua.dossiers.results import result_attach
from motcua.dossiers.services import dossier_act
from motcua.org.choices import Role
from motcua.org.models import Membership
from motcua.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
R = Role
STAFF_ROLES = [r for r in Role if r != Role.CITIZEN]
STAFF_SCOPES = ("desk", "decider", "consulted", "other")
# Who may learn that the dossier exists.
INSIDE = {"desk", "decider", "consulted", "applicant"}
MISSING = "000.00.31.H48-260302-9999"  # a well-formed code no dossier has


PROCESS = {R.RECEIVING_OFFICER, R.SPECIALIST, R.LEADER}  # may act on the current step
# may move the dossier along its steps: a step of the Office (VP UBND) or of the Chairman is a step too
MOVERS = PROCESS | {R.OFFICE_REVIEWER, R.CHAIRMAN}

# endpoint → expected status per kind of caller:
#   anon: no token / not signed in;  outside: staff of the other agency;  stranger: another citizen;
#   applicant: the dossier's own applicant;  staff: staff of the desk, decider or consulted agency (an int,
#   or a dict by scope);  only: exceptions for (scope, role) pairs inside.
TABLE: dict[str, dict] = {
    # --- API -------------------------------------------------------------------------------------------
    "list": dict(anon=401, outside=200, stranger=200, applicant=200, staff=200),
    "list_filtered": dict(anon=401, outside=200, stranger=200, applicant=200, staff=200),
    "detail": dict(anon=401, outside=404, stranger=404, applicant=200, staff=200),
    "track_right_phone": dict(anon=200, outside=200, stranger=200, applicant=200, staff=200),
    "track_wrong_phone": dict(anon=404, outside=404, stranger=404, applicant=404, staff=404),
    "rating_open": dict(anon=401, outside=404, stranger=404, applicant=409, staff=404),
    "rating_returned": dict(anon=401, outside=404, stranger=404, applicant=201, staff=404),
    # desk side: the receiving agency's officer, or the applicant
    "act_withdraw": dict(
        anon=401,
        outside=404,
        stranger=404,
        applicant=200,
        staff=403,
        only={("desk", R.RECEIVING_OFFICER): 200},
    ),
    # process side: the current step's agency
    "act_request_supplement": dict(
        anon=401,
        outside=404,
        stranger=404,
        applicant=403,
        staff=403,
        only={("decider", role): 200 for role in PROCESS},
    ),
    "act_stop": dict(
        anon=401, outside=404, stranger=404, applicant=403, staff=403, only={("decider", R.LEADER): 200}
    ),
    # allowed by role, but not now: a consultation is open
    "act_forward": dict(
        anon=401,
        outside=404,
        stranger=404,
        applicant=403,
        staff=403,
        only={("decider", role): 409 for role in MOVERS},
    ),
    # consulted side: the open consultation's agency
    "act_join": dict(
        anon=401,
        outside=404,
        stranger=404,
        applicant=403,
        staff=403,
        only={("consulted", R.SPECIALIST): 200, ("consulted", R.LEADER): 200},
    ),
    # the desk links the dossier to the applicant's account, having checked their papers (issue 10, item 1)
    "act_link_applicant": dict(
        anon=401,
        outside=404,
        stranger=404,
        applicant=403,
        staff=403,
        only={("desk", R.RECEIVING_OFFICER): 200},
    ),
    # not possible in this status, whoever asks (the status is checked before the role)
    "act_return_result": dict(anon=401, outside=404, stranger=404, applicant=409, staff=409),
    # the electronic result, attached by the agency holding the dossier: not before it is approved
    "act_result_file": dict(
        anon=401,
        outside=404,
        stranger=404,
        applicant=403,
        staff=403,
        only={("decider", role): 409 for role in PROCESS},
    ),
    # --- back office and printable forms (session sign-in) -------------------------------------------------
    "office_page": dict(anon=302, outside=404, stranger=403, applicant=403, staff=200),
    # the electronic result of a dossier returned online: every agency that sees the dossier, and its
    # applicant from "my dossiers" (staff have no "my dossiers" copy of someone else's dossier)
    "office_result_file": dict(anon=302, outside=404, stranger=403, applicant=403, staff=200),
    "my_result_file": dict(anon=302, outside=404, stranger=404, applicant=200, staff=404),
    "office_forward": dict(
        anon=302,
        outside=404,
        stranger=403,
        applicant=403,
        staff=403,
        only={("decider", role): 409 for role in MOVERS},
    ),
    "forms_index": dict(anon=302, outside=404, stranger=404, applicant=200, staff=200),
    "form_01": dict(anon=302, outside=404, stranger=404, applicant=200, staff=200),
    "form_06": dict(anon=302, outside=404, stranger=404, applicant=404, staff=200),
    # the register belongs to the receiving and the competent agency
    "form_07": dict(
        anon=302,
        outside=404,
        stranger=404,
        applicant=404,
        staff={"desk": 200, "decider": 200, "consulted": 404},
    ),
}

# Endpoints that change the dossier when allowed: an allowed one gets a dossier of its own.
MUTATING = {
    "act_withdraw",
    "act_request_supplement",
    "act_stop",
    "act_join",
    "act_link_applicant",
    "rating_returned",
}
# Endpoints about the electronic result of a dossier returned online.
RESULT = {"office_result_file", "my_result_file"}
API = {name for name in TABLE if not name.startswith(("office_", "form", "my_"))}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def expected(endpoint: str, scope: str, role: str | None) -> int:
    row = TABLE[endpoint]
    if scope == "anonymous":
        return row["anon"]
    if scope == "other":
        return row["outside"]
    if scope in ("stranger", "applicant"):
        return row[scope]
    if scope == "taker":  # typed the applicant's identifier on their profile: still a stranger
        return row["stranger"]
    if (scope, role) in row.get("only", {}):
        return row["only"][(scope, role)]
    staff = row["staff"]
    return staff[scope] if isinstance(staff, dict) else staff


PRINCIPALS = (
    [("anonymous", None)]
    + [(scope, role) for role in STAFF_ROLES for scope in STAFF_SCOPES]
    + [("applicant", R.CITIZEN), ("stranger", R.CITIZEN), ("taker", R.CITIZEN)]
)


def test_the_table_covers_every_role_and_endpoint():
    assert {role for _scope, role in PRINCIPALS if role} == set(Role)
    for row in TABLE.values():
        assert set(row) >= {"anon", "outside", "stranger", "applicant", "staff"}


# --- the dossiers -------------------------------------------------------------------------------------------


def _act(dossier, action, actor, **payload):
    return dossier_act(
        dossier_code=dossier.code, action=action, actor=actor, version=dossier.version, **payload
    )


def open_dossier(world):
    """In progress at the Department of Justice, the Department of Health consulted and not yet answering."""
    d = world.receive()
    d = _act(d, "forward", world.officer)
    return _act(d, "consult", world.specialist, agencies=[world.health.identifier])


def returned_dossier(world):
    d = world.receive()
    d = _act(d, "forward", world.officer)
    d = _act(d, "consult", world.specialist, agencies=[world.health.identifier])
    d = _act(d, "join", world.health_specialist, opinion="Đồng ý")
    for action, actor in [
        ("forward", world.specialist),
        ("propose", world.specialist),
        ("approve", world.leader),
        ("mark_result_ready", world.leader),
        ("return_result", world.officer),
    ]:
        d = _act(d, action, actor)
    return d


def returned_online_with_result(world):
    """Returned online with its electronic result, the Department of Health consulted on the way."""
    d = world.receive()
    d = _act(d, "forward", world.officer)
    d = _act(d, "consult", world.specialist, agencies=[world.health.identifier])
    d = _act(d, "join", world.health_specialist, opinion="Đồng ý")
    for action, actor in [
        ("forward", world.specialist),
        ("propose", world.specialist),
        ("approve", world.leader),
    ]:
        d = _act(d, action, actor)
    d = result_attach(
        actor=world.leader,
        dossier_code=d.code,
        version=d.version,
        upload=SimpleUploadedFile("ket-qua.pdf", PDF),
        mark_ready=True,
    )
    return _act(d, "return_result", world.officer, method="online")


# --- the requests -------------------------------------------------------------------------------------------


def _request(client, endpoint: str, code: str, version: int, token: str | None):
    """The request `endpoint` makes about dossier `code`, seen at `version`."""
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def post(url, body):
        return client.post(url, body, content_type="application/json", **auth)

    action = f"/api/v1/dossiers/{code}/actions/"
    match endpoint:
        case "list":
            return client.get("/api/v1/dossiers", {"limit": 100}, **auth)
        case "list_filtered":
            return client.get(
                "/api/v1/dossiers", {"agency": "000.00.53.H48", "status": "in_progress"}, **auth
            )
        case "detail":
            return client.get(f"/api/v1/dossiers/{code}", **auth)
        case "track_right_phone":
            return client.get(f"/api/v1/track/{code}", {"phone": "5678"}, **auth)
        case "track_wrong_phone":
            return client.get(f"/api/v1/track/{code}", {"phone": "5679"}, **auth)
        case "rating_open" | "rating_returned":
            return post(f"/api/v1/dossiers/{code}/rating", {"stars": 5, "comment": "Tốt", "contacts": 0})
        case "act_withdraw":
            return post(action + "withdraw", {"version": version, "reason": "Không cần nữa"})
        case "act_request_supplement":
            return post(action + "request_supplement", {"version": version, "reason": "Thiếu bản sao"})
        case "act_stop":
            return post(action + "stop", {"version": version, "reason": "Không đủ điều kiện"})
        case "act_forward":
            return post(action + "forward", {"version": version})
        case "act_join":
            return post(action + "join", {"version": version, "opinion": "Đồng ý"})
        case "act_link_applicant":
            return post(
                action + "link_applicant", {"version": version, "account": "an", "identity_checked": True}
            )
        case "act_return_result":
            return post(action + "return_result", {"version": version, "method": "desk"})
        case "act_result_file":
            return client.post(
                f"/api/v1/dossiers/{code}/result-file",
                {"version": version, "mark_ready": "true", "file": SimpleUploadedFile("ket-qua.pdf", PDF)},
                **auth,
            )
        case "office_result_file":
            return client.get(f"/ho-so/{code}/ket-qua/")
        case "my_result_file":
            return client.get(f"/nop-ho-so/ho-so/{code}/ket-qua/")
        case "office_page":
            return client.get(f"/ho-so/{code}/")
        case "office_forward":
            return client.post(f"/ho-so/{code}/hanh-dong/forward/", {"forward-version": version})
        case "forms_index":
            return client.get(f"/ho-so/{code}/mau/")
        case "form_01" | "form_06" | "form_07":
            return client.get(f"/ho-so/{code}/mau/{endpoint[-2:]}/")
    raise AssertionError(endpoint)


def _codes_listed(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    "scope,role", PRINCIPALS, ids=[f"{scope}-{role}" if role else scope for scope, role in PRINCIPALS]
)
def test_no_leak(world, client, settings, scope, role):
    settings.MOTCUA_RATE_LIMITS_ENABLED = False
    cache.clear()
    agencies = {"desk": world.commune, "decider": world.dept, "consulted": world.health, "other": world.other}
    if scope == "anonymous":
        user = None
    elif scope == "applicant":
        user = world.citizen
    elif scope == "stranger":
        user = world.stranger
    elif scope == "taker":
        # The takeover attempt (issue 10, item 1): the applicant's identifier typed on another profile.
        user = UserFactory(username="mallory", personal_identifier=world.citizen.personal_identifier)
        Membership.objects.create(user=user, agency=None, role=R.CITIZEN)
    else:
        user = UserFactory(username=f"p-{scope}-{role}")
        Membership.objects.create(user=user, agency=agencies[scope], role=role)

    token = None
    if user is not None:
        r = client.post(
            "/api/v1/auth/token",
            {"username": user.username, "password": PASSWORD},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
        token = r.json()["token"]
        client.force_login(user)

    shared = open_dossier(world)
    with_result = None
    problems: list[str] = []
    for endpoint in TABLE:
        want = expected(endpoint, scope, role)
        if endpoint == "rating_returned":
            dossier = returned_dossier(world)
        elif endpoint in RESULT:
            dossier = with_result = with_result or returned_online_with_result(world)
        elif endpoint in MUTATING and want == 200:
            dossier = open_dossier(world)  # it will change: the others keep theirs
        else:
            dossier = shared  # a refused request changes nothing (checked below)
        before = Dossier.objects.values_list("version", "status").get(pk=dossier.pk)
        r = _request(client, endpoint, dossier.code, dossier.version, token)
        where = f"{endpoint} as {scope}/{role or '-'}"
        if r.status_code != want:
            problems.append(f"{where}: {r.status_code} (expected {want}) {r.content[:200]!r}")
            continue
        if r.status_code >= 500:
            problems.append(f"{where}: server error")
        inside = scope in INSIDE

        # Lists: the dossier is there exactly for those inside, and outsiders see nothing at all.
        if endpoint.startswith("list") and r.status_code == 200:
            listed = dossier.code in _codes_listed(r)
            if listed != inside:
                problems.append(f"{where}: listed={listed}, expected {inside}")
            if not inside and r.json()["count"] != 0:
                problems.append(f"{where}: count {r.json()['count']} for a caller who may see nothing")

        # A 404 (or 401/403 outside) must say no more than a code that does not exist.
        if r.status_code in (401, 404) or (not inside and r.status_code == 403):
            twin = _request(client, endpoint, MISSING, dossier.version, token)
            if twin.status_code != r.status_code:
                problems.append(f"{where}: {r.status_code} here but {twin.status_code} for a missing code")
            elif endpoint in API and twin.json() != r.json():
                problems.append(f"{where}: body {r.json()} differs from a missing code's {twin.json()}")
            elif endpoint not in API and refusal_text(twin, MISSING) != refusal_text(r, dossier.code):
                problems.append(f"{where}: page differs from a missing code's")

        # The public tracking answer names nobody.
        if endpoint == "track_right_phone":
            text = r.content.decode()
            for personal in ("Nguyễn Văn An", "014090000001", "0912", "Bản Mòng", "Lò Thị Olga"):
                if personal in text:
                    problems.append(f"{where}: tracking shows {personal!r}")

        # A refused request changes nothing.
        after = Dossier.objects.values_list("version", "status").get(pk=dossier.pk)
        changed = after != before
        if endpoint.startswith("act_") and changed != (r.status_code == 200):
            problems.append(f"{where}: answered {r.status_code} but the dossier went {before} → {after}")
        if endpoint.startswith("office_") and changed:
            problems.append(f"{where}: answered {r.status_code} but the dossier went {before} → {after}")

    assert not problems, "\n".join(problems)
