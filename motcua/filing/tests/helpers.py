"""Steps shared by the filing tests: a complete draft, a submitted dossier, the officer's actions."""

from __future__ import annotations

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_act
from motcua.filing import services
from motcua.filing.models import Draft
from motcua.filing.tests.conftest import PDF, PNG, upload


def complete_draft(world, user=None) -> Draft:
    user = user or world.citizen
    draft = services.draft_create(owner=user, procedure_version=world.version)
    draft = services.draft_save(
        actor=user,
        draft_id=draft.pk,
        version=draft.version,
        applicant={**draft.applicant, "name": draft.applicant["name"] or "Người nộp", "phone": "0912345678"},
    )
    services.attachment_add(actor=user, draft_id=draft.pk, upload=upload("to-khai.pdf", PDF), position=1)
    services.attachment_add(
        actor=user, draft_id=draft.pk, upload=upload("cccd.png", PNG, "image/png"), position=2
    )
    return draft


def file_online(world, user=None) -> Dossier:
    draft = complete_draft(world, user)
    return services.draft_submit(actor=user or world.citizen, draft_id=draft.pk, version=draft.version)


def act(dossier_code: str, action: str, actor, **payload) -> Dossier:
    version = Dossier.objects.get(code=dossier_code).version
    return dossier_act(dossier_code=dossier_code, action=action, actor=actor, version=version, **payload)


def receive_and_ask_supplement(
    world, code: str, reason: str = "Bổ sung bản sao chứng thực căn cước"
) -> Dossier:
    act(code, "receive", world.officer)
    act(code, "forward", world.officer)
    return act(code, "request_supplement", world.specialist, reason=reason)


def finish(world, code: str) -> Dossier:
    act(code, "propose", world.specialist)
    act(code, "forward", world.specialist)
    act(code, "approve", world.leader)
    act(code, "mark_result_ready", world.leader)
    return act(code, "return_result", world.officer, method="online")
