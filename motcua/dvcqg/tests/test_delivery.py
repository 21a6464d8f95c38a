"""The real worker against the simulated portal over HTTP: faults, order, exactly once, parking, replay."""

from __future__ import annotations

import random

import pytest

from motcua.dvcqg.choices import MessageStatus
from motcua.dvcqg.lifecycle import LIFE, step
from motcua.dvcqg.models import DeliveryAttempt, OutboxMessage, ProcedureMapping
from motcua.dvcqg.reconcile import reconcile
from motcua.dvcqg.services import message_replay
from motcua.dvcqg.worker import backoff_seconds, deliver_round, run_worker

pytestmark = pytest.mark.django_db


def people(world):
    return lambda who: getattr(world, who)


def drain(**kwargs):
    return run_worker(stop_when_idle=True, poll_seconds=0.02, pull_filings_every=0, max_seconds=60, **kwargs)


def assert_exactly_once_in_order(simulator, dossiers):
    for dossier in dossiers:
        ours = list(
            OutboxMessage.objects.filter(dossier_id=dossier.pk)
            .order_by("id")
            .values_list("idempotency_key", "status")
        )
        assert {status for _k, status in ours} == {MessageStatus.DELIVERED}, dossier.code
        theirs = [r["key"] for r in simulator.received(dossier.code)]
        assert theirs == [key for key, _s in ours], dossier.code


def test_lifecycles_under_faults_and_an_outage_arrive_once_and_in_order(world, simulator, mapped):
    rng = random.Random(13)
    simulator.faults(fail_rate=0.3, hang_seconds=0.6)
    dossiers = [world.receive() for n in range(12)]
    progress = {d.code: 0 for d in dossiers}
    current = {d.code: d for d in dossiers}
    rounds = 0
    while any(i < len(LIFE) for i in progress.values()):
        for code in rng.sample(list(progress), k=4):
            if progress[code] < len(LIFE):
                current[code] = step(current[code], progress[code], people(world))
                progress[code] += 1
        deliver_round()
        rounds += 1
        if rounds == 5:
            simulator.faults(fail_rate=0.3, down_seconds=0.8, hang_seconds=0.6)  # down for a stretch
    assert simulator.failures_injected > 10
    simulator.faults()  # the portal recovers
    totals = drain()
    assert totals.parked == 0
    assert_exactly_once_in_order(simulator, dossiers)
    # Retried messages were attempted more than once, yet filed once.
    assert DeliveryAttempt.objects.exclude(outcome="delivered").exists()
    assert OutboxMessage.objects.filter(attempts__gt=1).exists()
    report = reconcile()
    assert report.differences == [] and report.checked == 12


def test_unmapped_procedure_parks_with_reason_and_holds_back_later_messages(world, simulator, mapped):
    ProcedureMapping.objects.filter(procedure_code=world.version.procedure.code).delete()
    dossier = world.receive()
    dossier = step(dossier, 0, people(world))  # forward: a second message, behind the first
    drain()
    first, second = OutboxMessage.objects.filter(dossier_id=dossier.pk).order_by("id")
    assert first.status == MessageStatus.PARKED
    assert world.version.procedure.code in first.parked_reason and "MaTTHC" in first.parked_reason
    assert second.status == MessageStatus.PENDING and second.attempts == 0  # nothing overtakes it
    assert simulator.received(dossier.code) == []

    # The administrator adds the mapping and replays: both arrive, in order.
    ProcedureMapping.objects.create(procedure_code=world.version.procedure.code, national_code="2.001263")
    assert message_replay(actor=world.outsider, message_ids=[first.pk]) == 1
    drain()
    assert_exactly_once_in_order(simulator, [dossier])
    first.refresh_from_db()
    assert first.replayed_by_name and first.parked_reason == ""


def test_a_refusal_is_parked_at_once_not_retried(world, simulator, mapped):
    from motcua.dvcqg.models import StatusMapping

    StatusMapping.objects.filter(status="received").update(national_code="42")  # not a code the portal knows
    dossier = world.receive()
    drain()
    message = OutboxMessage.objects.get(dossier_id=dossier.pk)
    assert message.status == MessageStatus.PARKED and message.attempts == 1
    assert "42" in message.parked_reason


def test_transient_failures_are_parked_after_the_maximum_attempts(world, simulator, mapped, settings):
    settings.DVCQG_MAX_ATTEMPTS = 3
    simulator.faults(fail_rate=1.0, modes=["500"])
    dossier = world.receive()
    drain()
    message = OutboxMessage.objects.get(dossier_id=dossier.pk)
    assert message.status == MessageStatus.PARKED and message.attempts == 3
    assert (
        list(DeliveryAttempt.objects.filter(message=message).values_list("outcome", flat=True))
        == ["server_error"] * 3
    )


def test_a_lost_answer_is_resent_and_filed_once(world, simulator, mapped):
    simulator.faults(fail_rate=1.0, modes=["timeout"], hang_seconds=0.7, for_seconds=0.6)
    dossier = world.receive()
    deliver_round()
    message = OutboxMessage.objects.get(dossier_id=dossier.pk)
    assert (
        message.status == MessageStatus.PENDING
        and "timeout" in message.last_error.lower()
        or message.last_error
    )
    assert len(simulator.received(dossier.code)) == 1  # the portal filed it; we did not hear
    import time

    time.sleep(0.7)
    drain()
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert (
        list(DeliveryAttempt.objects.filter(message=message).values_list("outcome", flat=True))[-1]
        == "duplicate"
    )
    assert len(simulator.received(dossier.code)) == 1


def test_backoff_grows_with_jitter(settings):
    settings.DVCQG_BACKOFF_BASE, settings.DVCQG_BACKOFF_MAX = 2.0, 60.0
    rng = random.Random(1)
    firsts = {round(backoff_seconds(1, rng=rng), 3) for _ in range(20)}
    assert all(1.0 <= f <= 2.0 for f in firsts) and len(firsts) > 10  # jittered, not all equal
    assert 16.0 <= backoff_seconds(5, rng=rng) <= 32.0
    assert backoff_seconds(30, rng=rng) <= 60.0


def test_reconcile_finds_what_the_portal_lost_and_repair_sends_it_again(world, simulator, mapped):
    dossiers = [world.receive() for n in range(3)]
    drain()
    assert reconcile().differences == []
    simulator.forget(dossiers[1].code)
    simulator.add_filing({"MaHoSoQG": "G22.X", "MaTTHC": "2.001263"})  # (a filing: not a held dossier)
    report = reconcile()
    assert [(d.code, d.kind) for d in report.differences] == [(dossiers[1].code, "missing")]
    report = reconcile(repair=True)
    assert report.repaired == 1
    drain()
    assert reconcile().differences == []
