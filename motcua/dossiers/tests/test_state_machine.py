"""Random action sequences through the service, checked against the pure table (hypothesis).

The model below tracks, independently of the service, where the dossier is (status, step,
open consultations, proposal, decision, extension) and which agency each actor belongs to; for every
action it asks `workflow.guard` what should happen and checks the service does exactly that:
no forbidden transition accepted, no allowed one refused, one event per accepted action.
"""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from motcua.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from motcua.core.uploads import check_upload
from motcua.dossiers.choices import DossierAction, DossierStatus
from motcua.dossiers.management.commands.verify_audit import chain_problem
from motcua.dossiers.models import Dossier, DossierAgency, DossierEvent, DossierStep
from motcua.dossiers.participants import participating_agency_ids
from motcua.dossiers.services import ResultFileIn, dossier_act, dossier_submit
from motcua.dossiers.workflow import TRANSITIONS, Facts, Side, guard
from motcua.org.choices import Role

A, S, R = DossierAction, DossierStatus, Role

# Agency of each process step of the test procedure: reception at the commune desk, then the department.
STEP_AGENCY = {1: "commune", 2: "dept", 3: "dept"}
ACTORS = {
    "officer": {("commune", R.RECEIVING_OFFICER)},
    "specialist": {("dept", R.SPECIALIST)},
    "leader": {("dept", R.LEADER)},
    "health_specialist": {("health", R.SPECIALIST)},
    "finance_specialist": {("finance", R.SPECIALIST)},
    "outsider": {("other", r) for r in Role if r != R.CITIZEN},
    "citizen": set(),
}
PAYLOADS = {
    A.REQUEST_COMPLETION: {"reason": "Thiếu tờ khai"},
    A.REFUSE: {"reason": "Không thuộc thẩm quyền"},
    A.REQUEST_SUPPLEMENT: {"reason": "Bổ sung bản sao"},
    A.SUSPEND: {"reason": "Chờ nghĩa vụ tài chính"},
    A.STOP: {"reason": "Theo đề nghị"},
    A.ASSIGN: {"assignee": "sam"},
    A.CONSULT: {"agencies": ["000.00.21.H48", "000.00.22.H48"]},
    A.APOLOGISE_EXTEND: {"days": "1"},
    A.RETURN_RESULT: {"method": "online"},
    A.END_CONSULTATION: {"reason": "Quá hạn xin ý kiến"},
    A.LINK_APPLICANT: {"account": "an", "identity_checked": True},
}


def result_payload() -> dict:
    """A real, checked PDF for `attach_result` (and `mark_result_ready`, where it is optional)."""
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    upload = check_upload(SimpleUploadedFile("ket-qua.pdf", pdf), kinds={"pdf"})
    return {"result_file": ResultFileIn(upload=upload, sha256=hashlib.sha256(pdf).hexdigest())}


class DossierMachine(RuleBasedStateMachine):
    world = None  # set by the test

    @initialize(online=st.booleans())
    def file(self, online):
        w = self.world
        self.users = {name: getattr(w, name) for name in ACTORS}
        self.open_consultations: set[str] = set()
        self.visible_to = {"commune", "dept"}  # receiving and competent agencies, later the consulted ones
        self.proposed = self.decided = self.extended = False
        self.before_pause = S.IN_PROGRESS
        if online:
            dossier = dossier_submit(
                actor=w.citizen,
                procedure_version=w.version,
                applicant=w.applicant(),
                receiving_agency=w.commune,
            )
            self.status, self.position = S.SUBMITTED, None
        else:
            dossier = w.receive()
            self.status, self.position = S.RECEIVED, 1
        self.code, self.version = dossier.code, 1

    def roles(self, actor: str, side: Side) -> set[str]:
        if side == Side.DESK:
            agencies = {"commune"}
        elif side == Side.PROCESS:
            agencies = {STEP_AGENCY[self.position]} if self.position else set()
        else:
            agencies = self.open_consultations
        roles = {role for agency, role in ACTORS[actor] if agency in agencies}
        if side == Side.DESK and actor == "citizen":
            roles.add(R.CITIZEN)
        return roles

    def facts(self) -> Facts:
        return Facts(
            has_next_step=self.position in (1, 2),
            can_send_back=self.position == 3,
            open_consultations=len(self.open_consultations),
            proposed=self.proposed,
            decision_issued=self.decided,
            extended=self.extended,
            status_before_pause=self.before_pause,
        )

    def sees(self, actor: str) -> bool:
        return actor == "citizen" or any(agency in self.visible_to for agency, _ in ACTORS[actor])

    @rule(action=st.sampled_from(list(A)), actor=st.sampled_from(list(ACTORS)))
    def act(self, action, actor):
        if not self.sees(actor):
            with pytest.raises(NotFound):
                dossier_act(
                    dossier_code=self.code, action=action, actor=self.users[actor], version=self.version
                )
            return
        try:
            expected = guard(self.status, action, self.roles(actor, TRANSITIONS[action].side), self.facts())
        except (Conflict, PermissionDenied) as refusal:
            expected_error = (type(refusal), refusal.code)
        else:
            expected_error = None
        try:
            dossier = dossier_act(
                dossier_code=self.code,
                action=action,
                actor=self.users[actor],
                version=self.version,
                **(result_payload() if action == A.ATTACH_RESULT else PAYLOADS.get(action, {})),
            )
        except DomainError as error:
            assert expected_error == (type(error), error.code), (
                f"{action} by {actor}: refused with {error.code}"
            )
            return
        assert expected_error is None, (
            f"{action} by {actor} in {self.status} accepted, expected {expected_error}"
        )
        assert dossier.status == expected
        self.apply(action, actor, expected)

    def apply(self, action, actor, to_status):
        if action == A.RECEIVE:
            self.position = 1
        elif action == A.FORWARD:
            self.position += 1
        elif action == A.SEND_BACK:
            self.position -= 1
            self.proposed = False
        elif action == A.CONSULT:
            self.open_consultations = {"health", "finance"}
            self.visible_to |= self.open_consultations
        elif action == A.JOIN:
            self.open_consultations -= {agency for agency, _ in ACTORS[actor]}
        elif action == A.END_CONSULTATION:
            self.open_consultations = set()
        elif action in (A.REQUEST_SUPPLEMENT, A.SUSPEND):
            self.before_pause = self.status
        elif action == A.PROPOSE:
            self.proposed = True
        elif action == A.APPROVE:
            self.decided = True
        elif action == A.APOLOGISE_EXTEND:
            self.extended = True
        self.status = to_status
        self.version += 1

    @invariant()
    def matches_the_database(self):
        if not hasattr(self, "code"):
            return
        dossier = Dossier.objects.get(code=self.code)
        events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
        assert (dossier.status, dossier.version) == (self.status, self.version)
        assert len(events) == self.version
        assert chain_problem(dossier, events) is None
        # The staff-visibility rows always name exactly the agencies that took part, with the current due.
        steps = list(DossierStep.objects.filter(dossier=dossier))
        rows = set(DossierAgency.objects.filter(dossier=dossier).values_list("agency_id", "due_at"))
        assert rows == {(a, dossier.due_at) for a in participating_agency_ids(dossier, steps)}


@pytest.mark.django_db
def test_random_action_sequences_follow_the_table(world):
    DossierMachine.world = world
    run_state_machine_as_test(
        DossierMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
