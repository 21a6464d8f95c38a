"""The audit holds against someone who can write to the database (issue 10, item 2): keyed digests, rows
replayed against their last event, hourly checkpoints in a public ledger, key rotation."""

import datetime as dt
import json
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from motcua.dossiers import audit
from motcua.dossiers.ledger import audit_checkpoints_close
from motcua.dossiers.models import AuditCheckpoint, Dossier, DossierEvent
from motcua.dossiers.services import dossier_act

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_keys():
    audit._keys_from.cache_clear()
    yield
    audit._keys_from.cache_clear()


@pytest.fixture
def dossier(world):
    d = world.receive()
    return dossier_act(dossier_code=d.code, action="forward", actor=world.officer, version=1)


def verify(capsys, *args) -> str:
    """verify_audit's complaint ('' when it passes)."""
    try:
        call_command("verify_audit", *args)
    except CommandError:
        return capsys.readouterr().err
    capsys.readouterr()
    return ""


def seal_hours():
    """Close the checkpoints of every period up to an hour from now (the events were just written)."""
    return audit_checkpoints_close(until=timezone.now() + dt.timedelta(hours=2))


def erase(dossier: Dossier) -> None:
    """Delete a dossier as someone with database access would: every row that refers to it, then the row."""
    relations = Dossier._meta.get_fields(include_hidden=True)
    for relation in (
        f for f in relations if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ):
        model = relation.related_model
        rows = model.objects.filter(**{relation.field.name: dossier})
        rows._raw_delete(rows.db)
    Dossier.objects.filter(pk=dossier.pk)._raw_delete("default")


def plain_sha256_rewrite(event: DossierEvent, code: str, **changes):
    """What an attacker without the key can do: change an event and recompute its digest with anything but
    the key (here: the key-less SHA-256 the chain used before issue 10)."""
    import hashlib

    for name, value in changes.items():
        setattr(event, name, value)
    body = json.dumps({"code": code, "seq": event.seq, "payload": event.payload}, sort_keys=True)
    event.hash = hashlib.sha256(body.encode()).hexdigest()
    DossierEvent.objects.filter(pk=event.pk).update(hash=event.hash, **changes)


def test_an_intact_history_and_its_ledger_pass(dossier, capsys):
    assert seal_hours()
    assert verify(capsys) == ""


def test_an_event_edited_and_rehashed_without_the_key_is_reported(dossier, capsys):
    event = DossierEvent.objects.get(dossier=dossier, seq=2)
    plain_sha256_rewrite(event, dossier.code, payload={"to_step": 3})
    assert "seq=2 was altered" in verify(capsys)


def test_a_moved_due_moment_on_the_dossier_row_is_reported(dossier, capsys):
    # The on-time statistics read due_at: moving it makes a late dossier look on time.
    Dossier.objects.filter(pk=dossier.pk).update(due_at=dossier.due_at + dt.timedelta(days=30))
    err = verify(capsys)
    assert f"{dossier.code}: the dossier row was edited: due_at" in err


def test_a_changed_status_on_the_dossier_row_is_reported(dossier, capsys):
    Dossier.objects.filter(pk=dossier.pk).update(status="returned", returned_at=timezone.now())
    err = verify(capsys)
    assert "the dossier row was edited: status" in err and "returned_at" in err


def test_a_chain_cut_back_with_its_row_after_a_checkpoint_is_reported(dossier, capsys):
    seal_hours()
    first = DossierEvent.objects.get(dossier=dossier, seq=1)
    DossierEvent.objects.filter(dossier=dossier, seq=2).delete()
    # Put the row back exactly as the first event left it: the chain and the row agree again.
    row = {
        name: dt.datetime.fromisoformat(value) if name.endswith("_at") and value else value
        for name, value in first.state.items()
    }
    Dossier.objects.filter(pk=dossier.pk).update(**row, last_event_hash=first.hash)
    err = verify(capsys)
    assert f"{dossier.code}: " not in err.split("ledger:")[0]  # the chain alone looks whole
    assert f"dossier {dossier.code} no longer has the chain head it recorded" in err


def test_a_deleted_dossier_is_reported_by_the_ledger(world, dossier, capsys):
    other = world.receive()
    seal_hours()
    erase(other)
    err = verify(capsys)
    assert f"dossier {other.code} it recorded has no event in the period any more (deleted)" in err
    assert "events (" in err  # the counts no longer add up either


def test_the_newest_checkpoints_deleted_are_reported(world, capsys):
    real_now = timezone.now()
    for hours_ago in (5, 3):
        with mock.patch("django.utils.timezone.now", return_value=real_now - dt.timedelta(hours=hours_ago)):
            world.receive()
    assert len(audit_checkpoints_close()) == 2
    assert verify(capsys) == ""
    AuditCheckpoint.objects.filter(number=2).delete()
    assert "are not sealed in the ledger although the period closed long ago" in verify(capsys)


def test_a_ledger_rewritten_even_with_the_key_differs_from_a_public_copy(
    world, dossier, client, capsys, tmp_path
):
    other = world.receive()
    seal_hours()
    copy = tmp_path / "ledger.json"
    copy.write_bytes(client.get("/kiem-toan/so-cai.json").content)
    # An insider with the key deletes a dossier and re-seals the ledger from scratch.
    erase(other)
    AuditCheckpoint.objects.all().delete()
    seal_hours()
    assert verify(capsys) == ""  # the database agrees with itself
    err = verify(capsys, "--ledger", str(copy))
    assert "differs from the public copy (ledger rewritten)" in err


def test_an_event_back_dated_into_a_sealed_hour_is_reported(world, dossier, capsys):
    seal_hours()
    later = world.receive()
    DossierEvent.objects.filter(dossier=later).update(created_at=dossier.events.first().created_at)
    err = verify(capsys)
    assert f"dossier {later.code} has events in the period that the checkpoint did not record" in err


def test_the_checkpoint_is_keyed(dossier, capsys):
    (checkpoint,) = seal_hours()
    AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(events=checkpoint.events + 1)
    assert f"checkpoint #{checkpoint.number}" in verify(capsys) and "MAC mismatch" in verify(capsys)


def test_key_rotation_keeps_old_events_verifiable(world, settings, tmp_path, capsys):
    keys = tmp_path / "audit.keys"
    keys.write_text("k2025 first-secret-0123456789abcdef\n")
    settings.AUDIT_KEY_FILE = str(keys)
    old = world.receive()
    assert DossierEvent.objects.get(dossier=old).key_id == "k2025"
    keys.write_text("k2026 second-secret-0123456789abcdef\nk2025 first-secret-0123456789abcdef\n")
    audit._keys_from.cache_clear()
    new = world.receive()
    assert DossierEvent.objects.get(dossier=new).key_id == "k2026"
    assert verify(capsys) == ""
    keys.write_text(
        "k2026 second-secret-0123456789abcdef\n"
    )  # the old key dropped: its events cannot be checked
    audit._keys_from.cache_clear()
    assert f"{old.code}: event" in verify(capsys) and "unknown audit key 'k2025'" in verify(capsys)


def test_the_public_ledger_page_lists_the_checkpoints(dossier, client):
    (checkpoint,) = seal_hours()
    page = client.get("/kiem-toan/so-cai/")
    assert page.status_code == 200
    html = page.content.decode()
    assert checkpoint.root in html and "Sổ cái kiểm toán" in html
    data = client.get("/kiem-toan/so-cai.json").json()
    assert data["checkpoints"][0]["root"] == checkpoint.root
    assert "heads" not in data["checkpoints"][0]  # the dossier codes stay private
    assert dossier.code not in json.dumps(data)


def test_generated_bench_dossiers_carry_a_keyed_history_that_verifies(world, capsys):
    call_command("generate_dossiers", count=40, days=30, quiet=True)
    assert Dossier.objects.count() == 40
    assert not DossierEvent.objects.filter(key_id="").exists()
    assert audit_checkpoints_close()
    assert verify(capsys) == ""
