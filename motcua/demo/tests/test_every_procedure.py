"""Every demo procedure, filed and carried from reception to return by the demo users (issue 9, items 1–3).

The demo province's reference data (units, agencies, desks, the catalog, the staff) is loaded as
`load_demo` loads it; the dossiers are then filed and moved only through the workflow service, by the
demo users who hold the roles, choosing among the actions the dossier page would offer them.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import InvalidInput
from motcua.demo.loader import DEMO_PASSWORD, load_reference
from motcua.dossiers import routing
from motcua.dossiers.choices import TERMINAL_STATUSES, Channel, DossierAction, DossierStatus
from motcua.dossiers.forms import available_actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_for, my_tasks
from motcua.dossiers.services import ApplicantData, dossier_act, dossier_receive, dossier_submit
from motcua.org.choices import AgencyKind, Role
from motcua.org.models import Agency, Desk, Membership, User

A, S = DossierAction, DossierStatus
pytestmark = pytest.mark.django_db

APPLICANT = ApplicantData(
    name="Lường Thị Công Dân", identifier="014190000123", phone="0912 345 678", address="Tổ 2, phường Tô Hiệu"
)
PAYLOADS = {
    A.REQUEST_SUPPLEMENT: {"reason": "Bổ sung bản sao giấy tờ"},
    A.SUSPEND: {"reason": "Chờ thực hiện nghĩa vụ tài chính"},
    A.END_CONSULTATION: {"reason": "Quá thời hạn xin ý kiến"},
    A.JOIN: {"opinion": "Thống nhất"},
    A.RETURN_RESULT: {"method": "desk"},
    A.CONSULT: {"agencies": [], "days": "1"},
    A.ASSIGN: {},
}
# What a user who wants the dossier finished does first, when it is offered to them.
TOWARDS_RESULT = [
    A.SUBMIT,
    A.RECEIVE,
    A.SUPPLEMENT,
    A.RESUME,
    A.JOIN,
    A.APPROVE,
    A.FORWARD,
    A.MARK_RESULT_READY,
    A.RETURN_RESULT,
]


@pytest.fixture
def demo(db) -> dict[str, Agency]:
    return load_reference()


def users_for(dossier: Dossier) -> list[User]:
    """The demo users who might act on `dossier` now: staff of the agencies it involves, and its applicant."""
    agencies = {dossier.receiving_agency_id, dossier.current_agency_id}
    agencies.update(s.agency_id for s in dossier.steps.all() if s.finished_at is None)
    users = list(
        User.objects.filter(memberships__agency_id__in=agencies, is_active=True).distinct().order_by("pk")
    )
    if dossier.applicant_user_id:
        users.append(User.objects.get(pk=dossier.applicant_user_id))
    return users


def offered(dossier: Dossier) -> dict[str, User]:
    """Each action some demo user is offered on `dossier` now, with the first such user."""
    found: dict[str, User] = {}
    for user in users_for(dossier):
        seen = dossier_for(user, dossier.code)
        for action in available_actions(seen, user):
            found.setdefault(action, user)
    return found


def next_move(dossier: Dossier) -> tuple[str, User] | None:
    """The action a demo user takes to bring `dossier` towards its result: a consultation left unanswered
    is ended; without a proposal the dossier goes back to whoever drafts it; else the next step."""
    choices = offered(dossier)
    if dossier.proposed_at is None and dossier.decision_issued_at is None:
        if A.PROPOSE in choices:
            return A.PROPOSE, choices[A.PROPOSE]
        if A.SEND_BACK in choices and dossier.status == S.IN_PROGRESS:
            return A.SEND_BACK, choices[A.SEND_BACK]
    for action in TOWARDS_RESULT:
        if action in choices:
            return action, choices[action]
    if A.END_CONSULTATION in choices:
        return A.END_CONSULTATION, choices[A.END_CONSULTATION]
    if A.SEND_BACK in choices:
        return A.SEND_BACK, choices[A.SEND_BACK]
    return None


def drive_to_result(code: str, *, limit: int = 60) -> list[tuple[str, str]]:
    """Move the dossier on with the demo users until it is returned; fails when no one can move it."""
    moves = []
    dossier = Dossier.objects.get(code=code)
    while dossier.status not in TERMINAL_STATUSES:
        assert len(moves) < limit, f"{code}: no end after {moves}"
        move = next_move(dossier)
        assert move is not None, (
            f"{code} ({dossier.procedure_version.procedure.code}) is stuck in {dossier.status} at step "
            f"{dossier.current_step_position} ({dossier.current_agency}); moves so far: {moves}"
        )
        action, user = move
        dossier = dossier_act(
            dossier_code=code, action=action, actor=user, version=dossier.version, **PAYLOADS.get(action, {})
        )
        moves.append((action, user.username))
    return moves


def serving_commune(demo) -> Agency:
    return demo["ubnd-03646"]  # phường Tô Hiệu


def deciding(version: ProcedureVersion, demo) -> Agency:
    return version.competent_agency or serving_commune(demo)


def current_versions():
    return ProcedureVersion.objects.filter(is_current=True).select_related("procedure", "competent_agency")


def test_every_procedure_received_at_the_centre_walk_in_ends_with_its_result(demo):
    motcua = User.objects.get(username="motcua")
    centre_desk = Desk.objects.get(agency=demo["pvhcc"])
    versions = list(current_versions())
    assert len(versions) >= 40
    for version in versions:
        dossier = dossier_receive(
            actor=motcua,
            desk=centre_desk,
            procedure_version=version,
            applicant=APPLICANT,
            competent_agency=None if version.competent_agency_id else serving_commune(demo),
        )
        assert dossier.competent_agency == deciding(version, demo), version
        moves = drive_to_result(dossier.code)
        dossier.refresh_from_db()
        assert dossier.status == S.RETURNED, (version, moves)
        assert dossier.decision_issued_at is not None
        # The Office and the Chairman took their own steps where the process names them.
        roles = {s.role for s in dossier.steps.all()}
        actors = {u for _a, u in moves}
        if Role.CHAIRMAN in roles:
            assert {"chutich"} <= actors, moves
        if Role.OFFICE_REVIEWER in roles and dossier.steps.filter(agency=demo["vp-ubnd"]).exists():
            assert "vanphong" in actors, moves


def test_every_online_procedure_filed_by_the_citizen_reaches_a_desk_and_its_result(demo):
    citizen = User.objects.get(username="congdan")
    for version in current_versions().exclude(online_service="none"):
        dossier = dossier_submit(
            actor=citizen,
            procedure_version=version,
            applicant=APPLICANT,
            competent_agency=None if version.competent_agency_id else serving_commune(demo),
        )
        officers = User.objects.filter(
            memberships__agency=dossier.receiving_agency, memberships__role=Role.RECEIVING_OFFICER
        )
        assert officers.exists(), version
        assert all(dossier.code in {d.code for d in my_tasks(o)} for o in officers), version
        if version.competent_agency_id:  # a department's procedure: the province centre receives it
            assert dossier.receiving_agency == demo["pvhcc"], version
        else:  # a commune's: its own desk
            assert dossier.receiving_agency == serving_commune(demo), version
        drive_to_result(dossier.code)
        dossier.refresh_from_db()
        assert dossier.status == S.RETURNED, version


def test_no_procedure_and_deciding_agency_leaves_a_filing_without_a_desk(demo):
    """Every (procedure, agency that may decide it) of the demo routes an online or postal filing to a desk
    with a receiving officer; the service refuses a filing for an agency no desk serves."""
    for version in current_versions():
        agencies = list(routing.deciding_agencies(version))
        assert agencies, version
        for agency in agencies:
            receiving = routing.filing_desk_agency(agency)
            assert routing.can_receive(receiving), (version, agency)
        if version.competent_agency_id is None:
            # A commune procedure is decided by a commune's People's Committee, never the province's.
            assert all(a.unit.level.code == "commune" for a in agencies), version
            assert demo["ubnd-tinh"] not in agencies

    version = current_versions().filter(competent_agency__isnull=False).first()
    Membership.objects.filter(agency=demo["pvhcc"], role=Role.RECEIVING_OFFICER).delete()
    with pytest.raises(InvalidInput) as refused:
        dossier_submit(
            actor=User.objects.get(username="congdan"), procedure_version=version, applicant=APPLICANT
        )
    assert refused.value.code == "no_receiving_desk"


def test_a_commune_procedure_at_the_centre_must_name_its_commune(demo):
    version = current_versions().filter(competent_agency__isnull=True).first()
    motcua = User.objects.get(username="motcua")
    desk = Desk.objects.get(agency=demo["pvhcc"])
    for wrong in (None, demo["pvhcc"], demo["ubnd-tinh"], demo["stp"]):
        with pytest.raises(InvalidInput) as refused:
            dossier_receive(
                actor=motcua,
                desk=desk,
                procedure_version=version,
                applicant=APPLICANT,
                competent_agency=wrong,
            )
        assert refused.value.code == "agency_required"
    commune = demo["ubnd-03721"]
    dossier = dossier_receive(
        actor=motcua, desk=desk, procedure_version=version, applicant=APPLICANT, competent_agency=commune
    )
    assert dossier.competent_agency == commune
    agencies = {s.position: s.agency for s in dossier.steps.all()}
    assert agencies[1] == demo["pvhcc"] and agencies[max(agencies)] == demo["pvhcc"]
    assert all(a == commune for p, a in agencies.items() if p not in (1, max(agencies)))


def test_every_demo_user_signs_in_and_every_agency_that_takes_a_step_has_staff(demo):
    steps_at = {
        (s.agency_id, s.role) for v in current_versions().prefetch_related("steps") for s in v.steps.all()
    }
    held = set(Membership.objects.values_list("agency_id", "role"))
    missing = [
        (Agency.objects.get(pk=a).name, r) for a, r in steps_at if a is not None and (a, r) not in held
    ]
    assert not missing
    for agency in Agency.objects.filter(kind=AgencyKind.DEPARTMENT):
        assert agency.memberships.filter(role=Role.SPECIALIST).exists(), agency
    assert authenticate(username="chuyenvien.03646", password=DEMO_PASSWORD) is not None


# --- the property: from every reachable state the demo users can still bring the dossier to its result -----

CHAIRMAN_PROCEDURE = "2.000890"  # decided by the provincial People's Committee: VP UBND and Chairman steps
DETOURS = [
    A.FORWARD,
    A.SEND_BACK,
    A.ASSIGN,
    A.CONSULT,
    A.JOIN,
    A.REQUEST_SUPPLEMENT,
    A.SUPPLEMENT,
    A.SUSPEND,
    A.RESUME,
    A.PROPOSE,
    A.APPROVE,
    A.MARK_RESULT_READY,
    A.REQUEST_COMPLETION,
    A.SUBMIT,
    A.RECEIVE,
]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    online=st.booleans(),
    code=st.sampled_from([CHAIRMAN_PROCEDURE, "1.001193", "9.000001"]),
    walk=st.lists(st.tuples(st.sampled_from(DETOURS), st.integers(0, 50)), max_size=25),
)
def test_from_every_reachable_state_someone_can_bring_the_dossier_to_its_result(demo, online, code, walk):
    version = current_versions().get(procedure__code=code)
    commune = None if version.competent_agency_id else serving_commune(demo)
    if online:
        dossier = dossier_submit(
            actor=User.objects.get(username="congdan"),
            procedure_version=version,
            applicant=APPLICANT,
            competent_agency=commune,
            channel=Channel.ONLINE,
        )
    else:
        dossier = dossier_receive(
            actor=User.objects.get(username="motcua"),
            desk=Desk.objects.get(agency=demo["pvhcc"]),
            procedure_version=version,
            applicant=APPLICANT,
            competent_agency=commune,
        )
    consulted = [demo["syt"].identifier]
    for action, pick in walk:
        if dossier.status in TERMINAL_STATUSES:
            break
        choices = offered(dossier)
        if action not in choices:
            continue
        user = choices[action]
        payload = dict(PAYLOADS.get(action, {}))
        if action == A.CONSULT:
            payload["agencies"] = [a for a in consulted if a != dossier.current_agency.identifier]
            if not payload["agencies"]:
                continue
        if action == A.ASSIGN:
            staff = list(User.objects.filter(memberships__agency=dossier.current_agency).order_by("pk"))
            payload["assignee"] = staff[pick % len(staff)].pk
        if action == A.REQUEST_COMPLETION:
            payload["reason"] = "Thiếu tờ khai"
        dossier = dossier_act(
            dossier_code=dossier.code, action=action, actor=user, version=dossier.version, **payload
        )
    drive_to_result(dossier.code)
    assert Dossier.objects.get(pk=dossier.pk).status == S.RETURNED
