"""The rules that left demo dossiers where no one could move them (issue 9, item 3), with the demo users."""

from __future__ import annotations

import pytest

from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import Conflict, InvalidInput, PermissionDenied
from motcua.demo.loader import load_reference
from motcua.dossiers.choices import DossierAction, DossierStatus
from motcua.dossiers.forms import available_actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_for
from motcua.dossiers.services import ApplicantData, dossier_act, dossier_receive
from motcua.org.models import Desk, User

A, S = DossierAction, DossierStatus
pytestmark = pytest.mark.django_db
APPLICANT = ApplicantData(name="Lường Văn Nộp", identifier="014090000777", phone="0912 000 111")


@pytest.fixture
def demo(db):
    agencies = load_reference()
    return agencies


def user(name: str) -> User:
    return User.objects.get(username=name)


def receive(demo, code: str) -> Dossier:
    return dossier_receive(
        actor=user("motcua"),
        desk=Desk.objects.get(agency=demo["pvhcc"]),
        procedure_version=ProcedureVersion.objects.get(procedure__code=code, is_current=True),
        applicant=APPLICANT,
    )


def act(dossier: Dossier, action: str, who: str, **payload) -> Dossier:
    return dossier_act(
        dossier_code=dossier.code, action=action, actor=user(who), version=dossier.version, **payload
    )


def test_the_return_desk_never_gets_a_dossier_without_the_approval(demo):
    d = receive(demo, "3.000333")  # Sở Tư pháp: desk, assign, draft, review, approve, desk
    d = act(d, A.FORWARD, "motcua")
    d = act(d, A.FORWARD, "lanhdao")
    d = act(d, A.PROPOSE, "chuyenvien")
    d = act(d, A.FORWARD, "chuyenvien")
    d = act(d, A.FORWARD, "lanhdao")  # to the department leadership's step, which decides
    with pytest.raises(Conflict) as refused:
        act(d, A.FORWARD, "lanhdao")
    assert refused.value.code == "not_approved"
    d = act(d, A.APPROVE, "lanhdao")
    d = act(d, A.FORWARD, "lanhdao")
    assert d.current_agency == demo["pvhcc"]
    d = act(d, A.MARK_RESULT_READY, "motcua")
    assert act(d, A.RETURN_RESULT, "motcua", method="desk").status == S.RETURNED


def test_the_office_and_the_chairman_take_their_steps_and_the_chairman_decides(demo):
    d = receive(demo, "2.000890")
    for who, action in [
        ("motcua", A.FORWARD),
        ("lanhdao", A.FORWARD),
        ("chuyenvien", A.PROPOSE),
        ("chuyenvien", A.FORWARD),
        ("lanhdao", A.FORWARD),
    ]:
        d = act(d, action, who)
    # The department cannot take the decision that belongs to the Chairman.
    with pytest.raises(Conflict) as refused:
        act(d, A.APPROVE, "lanhdao")
    assert refused.value.code == "decided_later"
    d = act(d, A.FORWARD, "lanhdao")
    assert d.current_agency == demo["vp-ubnd"]
    assert A.FORWARD in available_actions(dossier_for(user("vanphong"), d.code), user("vanphong"))
    d = act(d, A.FORWARD, "vanphong")
    assert d.current_agency == demo["ubnd-tinh"]
    with pytest.raises(Conflict):
        act(d, A.FORWARD, "chutich")  # not before signing
    d = act(d, A.APPROVE, "chutich")
    d = act(d, A.FORWARD, "chutich")
    d = act(d, A.MARK_RESULT_READY, "motcua")
    assert act(d, A.RETURN_RESULT, "motcua").status == S.RETURNED


def test_the_head_assigning_at_his_step_names_the_specialist_of_the_next_step(demo):
    d = receive(demo, "3.000333")
    d = act(d, A.FORWARD, "motcua")
    d = act(d, A.ASSIGN, "lanhdao", assignee=user("chuyenvien").pk)
    steps = {s.position: s for s in d.steps.all()}
    assert steps[3].assignee == user("chuyenvien")
    d = act(d, A.FORWARD, "lanhdao")
    assert d.current_step_position == 3 and d.current_assignee == user("chuyenvien")


def test_an_unanswered_consultation_is_ended_by_the_consulting_agency_and_the_dossier_goes_on(demo):
    d = receive(demo, "3.000333")
    d = act(d, A.FORWARD, "motcua")
    d = act(d, A.FORWARD, "lanhdao")
    d = act(d, A.CONSULT, "chuyenvien", agencies=[demo["syt"].identifier], days="1")
    d = act(d, A.PROPOSE, "chuyenvien")
    with pytest.raises(Conflict):
        act(d, A.FORWARD, "chuyenvien")
    with pytest.raises(InvalidInput):
        act(d, A.END_CONSULTATION, "chuyenvien")  # the reason is required
    d = act(d, A.END_CONSULTATION, "chuyenvien", reason="Quá hạn, Sở Y tế không trả lời")
    event = d.events.order_by("-seq").first()
    assert event.payload["agencies"] == [demo["syt"].identifier]
    assert act(d, A.FORWARD, "chuyenvien").current_step_position == 4


def test_the_administrator_corrects_a_stuck_dossier_through_an_audited_action(demo):
    d = receive(demo, "3.000333")
    d = act(d, A.FORWARD, "motcua")
    admin = user("admin")
    # Nobody but an administrator may, and never without a reason.
    with pytest.raises(PermissionDenied):
        act(d, A.CORRECT, "lanhdao", to_step=5, reason="x")
    with pytest.raises(InvalidInput):
        act(d, A.CORRECT, "admin", to_step=5)
    assert A.CORRECT in available_actions(dossier_for(admin, d.code), admin)
    d = act(d, A.CORRECT, "admin", to_step=3, reason="Lãnh đạo phòng nghỉ phép; chuyển thẳng chuyên viên")
    assert (d.status, d.current_step_position, d.current_agency) == (S.IN_PROGRESS, 3, demo["stp"])
    event = d.events.order_by("-seq").first()
    assert (event.action, event.actor_name, event.payload["from_step"], event.payload["to_step"]) == (
        A.CORRECT,
        admin.full_name,
        2,
        3,
    )
    assert act(d, A.PROPOSE, "chuyenvien").proposed_at is not None
