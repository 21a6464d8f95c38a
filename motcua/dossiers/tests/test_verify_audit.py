"""verify_audit finds altered, deleted and reordered events and names them."""

import pytest
from django.core.management import CommandError, call_command

from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import dossier_act

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(world):
    d = world.receive()
    d = dossier_act(dossier_code=d.code, action="forward", actor=world.officer, version=1)
    d = dossier_act(
        dossier_code=d.code, action="consult", actor=world.specialist, version=2, agencies=["000.00.21.H48"]
    )
    return dossier_act(
        dossier_code=d.code, action="join", actor=world.health_specialist, version=3, opinion="ok"
    )


def run(capsys):
    call_command("verify_audit")
    return capsys.readouterr()


def fails(capsys) -> str:
    with pytest.raises(CommandError):
        call_command("verify_audit")
    return capsys.readouterr().err


def test_intact_chain_passes(dossier, capsys):
    assert "1 dossiers verified" in run(capsys).out


def test_altered_payload(dossier, capsys):
    event = DossierEvent.objects.get(dossier=dossier, seq=2)
    DossierEvent.objects.filter(pk=event.pk).update(payload={**event.payload, "to_step": 3})
    assert f"event id={event.pk} seq=2 was altered" in fails(capsys)


def test_altered_actor_name(dossier, capsys):
    DossierEvent.objects.filter(dossier=dossier, seq=1).update(actor_name="Someone else")
    assert "seq=1 was altered" in fails(capsys)


def test_deleted_event_in_the_middle(dossier, capsys):
    DossierEvent.objects.filter(dossier=dossier, seq=2).delete()
    assert "missing event seq=2" in fails(capsys)


def test_deleted_last_event(dossier, capsys):
    DossierEvent.objects.filter(dossier=dossier, seq=4).delete()
    assert "missing event seq=4" in fails(capsys)


def test_reordered_sequence(dossier, capsys):
    two, three = (DossierEvent.objects.get(dossier=dossier, seq=s) for s in (2, 3))
    DossierEvent.objects.filter(pk=two.pk).update(seq=99)
    DossierEvent.objects.filter(pk=three.pk).update(seq=2)
    DossierEvent.objects.filter(pk=two.pk).update(seq=3)
    err = fails(capsys)
    assert f"event id={three.pk} seq=2 is out of place" in err
