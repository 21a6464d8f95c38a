"""The outbox row is written with the event, in its transaction, and only for public changes."""

from __future__ import annotations

import pytest
from django.db import transaction

from motcua.dossiers.services import dossier_act
from motcua.dvcqg.choices import MessageStatus, Service
from motcua.dvcqg.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_reception_queues_one_dossier_message(world):
    dossier = world.receive()
    [message] = OutboxMessage.objects.filter(dossier_id=dossier.pk)
    assert (message.service, message.event_seq, message.status) == (
        Service.SYNC_DOSSIER,
        1,
        MessageStatus.PENDING,
    )


def test_internal_steps_are_not_sent_but_hand_overs_are(world):
    dossier = world.receive()
    dossier = dossier_act(dossier_code=dossier.code, action="forward", actor=world.officer, version=1)
    dossier = dossier_act(
        dossier_code=dossier.code,
        action="assign",
        actor=world.leader,
        version=2,
        assignee=world.specialist.pk,
    )
    actions = list(OutboxMessage.objects.filter(dossier_id=dossier.pk).values_list("action", flat=True))
    assert actions == ["receive", "forward"]  # the assignment stays inside the agency
    assert OutboxMessage.objects.get(action="forward").service == Service.PROGRESS


def test_a_rolled_back_action_leaves_no_message(world):
    dossier = world.receive()
    with pytest.raises(RuntimeError), transaction.atomic():
        dossier_act(dossier_code=dossier.code, action="forward", actor=world.officer, version=1)
        raise RuntimeError("the caller's transaction fails after the action")
    assert list(OutboxMessage.objects.filter(dossier_id=dossier.pk).values_list("action", flat=True)) == [
        "receive"
    ]


def test_outbox_can_be_switched_off(world, settings):
    settings.DVCQG_OUTBOX = False
    dossier = world.receive()
    assert not OutboxMessage.objects.filter(dossier_id=dossier.pk).exists()
