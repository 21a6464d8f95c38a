"""The snapshot equals the live definition: random dossiers, random periods, every dimension (hypothesis);
the incremental refresh equals a full rebuild after random changes; the command, the task and the report's
choice between snapshot and live."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.catalog.tests.factories import make_procedure
from motcua.dossiers.models import Dossier
from motcua.stats import figures, snapshot
from motcua.stats.models import DailyFigure, SnapshotState
from motcua.stats.tests.dataset import HCM

pytestmark = pytest.mark.django_db

ORIGIN = dt.datetime(2026, 1, 1, tzinfo=HCM)
HORIZON = dt.date(2026, 4, 1)  # the snapshot holds the days before it
_codes = itertools.count()

# Offsets in minutes from ORIGIN; midnights and the minute around them are the edge cases.
moments = st.one_of(
    st.integers(0, 100 * 1440),
    st.builds(lambda d, e: d * 1440 + e, st.integers(0, 100), st.sampled_from([-1, 0, 1])),
)

dossier_specs = st.fixed_dictionaries(
    {
        "received": st.one_of(st.none(), moments),
        "channel": st.sampled_from(["online", "desk", "post"]),
        "agency": st.integers(0, 2),
        "version": st.integers(0, 1),
        # Relative to received, in minutes (due may even precede it: the proof does not need due ≥ R).
        "due": st.one_of(st.none(), st.integers(-2 * 1440, 40 * 1440)),
        "outcome": st.sampled_from(["open", "resolved", "returned", "closed"]),
        "finish": st.integers(0, 50 * 1440),
    }
)


@pytest.fixture
def universe(world):
    """Three competent agencies, two procedure versions in two fields."""
    second = make_procedure("2.000999", "Thủ tục thử", field_name="Lĩnh vực thử", levels=("province",))
    return {"agencies": [world.dept, world.health, world.commune], "versions": [world.version, second]}


def _minutes(n: int) -> dt.datetime:
    return ORIGIN + dt.timedelta(minutes=n)


def make_dossiers(universe, specs) -> list[Dossier]:
    rows = []
    for spec in specs:
        received = None if spec["received"] is None else _minutes(spec["received"])
        due = (
            None if received is None or spec["due"] is None else received + dt.timedelta(minutes=spec["due"])
        )
        finish = None if received is None else received + dt.timedelta(minutes=spec["finish"])
        outcome = spec["outcome"] if received else "open"
        ready = finish if outcome in ("resolved", "returned") else None
        closed = (
            finish + dt.timedelta(hours=5)
            if outcome == "returned"
            else finish
            if outcome == "closed"
            else None
        )
        agency = universe["agencies"][spec["agency"]]
        rows.append(
            Dossier(
                code=f"T{next(_codes)}",
                procedure_version=universe["versions"][spec["version"]],
                status="in_progress" if due else "withdrawn" if received else "submitted",
                channel=spec["channel"],
                receiving_agency=agency,
                competent_agency=agency,
                applicant_name="Nguyễn Văn A",
                received_at=received,
                due_at=due,
                result_ready_at=ready,
                returned_at=closed if outcome == "returned" else None,
                closed_at=closed,
            )
        )
    return Dossier.objects.bulk_create(rows)


def _clear():
    Dossier.objects.all().delete()
    DailyFigure.objects.all().delete()
    SnapshotState.objects.all().delete()


def _periods(first: int, days: int, by_month: bool) -> list[figures.Period]:
    start = ORIGIN.date() + dt.timedelta(days=first)
    end = min(start + dt.timedelta(days=days), HORIZON)
    # Periods that have ended: measured at their end.
    return figures._periods(start, end, by_month, figures.day_start(HORIZON))


def _stored_rows() -> list[tuple]:
    return sorted(
        DailyFigure.objects.values_list("day", "agency_id", "procedure_version_id", *snapshot.ROW_COLUMNS)
    )


def _computed_rows() -> list[tuple]:
    return sorted(
        (r.day, r.agency_id, r.procedure_version_id, *(getattr(r, c) for c in snapshot.ROW_COLUMNS))
        for r in snapshot.compute_rows(None, HORIZON)
    )


HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@HYPOTHESIS
@given(
    specs=st.lists(dossier_specs, max_size=25),
    first=st.integers(0, 89),
    days=st.integers(1, 90),
    by_month=st.booleans(),
    dimension=st.sampled_from([None, *figures.DIMENSIONS]),
)
def test_snapshot_equals_live_on_random_data(universe, specs, first, days, by_month, dimension):
    _clear()
    make_dossiers(universe, specs)
    snapshot.refresh(full=True, horizon=HORIZON)
    periods = _periods(first, days, by_month)
    assert all(snapshot.covers(p, snapshot.state()) for p in periods)
    live = figures._live_base_figures(Dossier.objects.all(), periods, dimension)
    from_snapshot = snapshot.base_figures(periods, dimension)
    zero = [dict.fromkeys(figures.BASE_COLUMNS, 0)] * len(periods)
    # The snapshot may know a key with nothing in these periods; the live query only the relevant ones.
    assert {k: v for k, v in from_snapshot.items() if v != zero} == {
        k: v for k, v in live.items() if v != zero
    }


@HYPOTHESIS
@given(
    specs=st.lists(dossier_specs, min_size=1, max_size=20),
    changes=st.lists(
        st.tuples(st.integers(0, 19), st.sampled_from(["due", "agency", "finish", "receive"]), moments),
        max_size=6,
    ),
    new=st.lists(dossier_specs, max_size=4),
)
def test_incremental_refresh_equals_a_full_rebuild(universe, specs, changes, new):
    _clear()
    dossiers = make_dossiers(universe, specs)
    snapshot.refresh(full=True, horizon=HORIZON)
    for index, kind, moment in changes:
        d = dossiers[index % len(dossiers)]
        if kind == "due" and d.received_at:
            d.due_at = _minutes(moment)  # a pause moved it, even to a day long past
        elif kind == "agency":
            d.competent_agency = universe["agencies"][moment % 3]
        elif kind == "finish" and d.received_at and not d.result_ready_at and not d.closed_at:
            d.result_ready_at = max(d.received_at, _minutes(moment))
        elif kind == "receive" and not d.received_at:
            d.received_at, d.due_at, d.status = _minutes(moment), _minutes(moment + 4000), "in_progress"
        d.save()
    make_dossiers(universe, new)
    report = snapshot.refresh(horizon=HORIZON)
    assert report.recomputed_from is not None or not (changes or new)
    assert _stored_rows() == _computed_rows()
    periods = _periods(0, 90, True)
    assert snapshot.base_figures(periods, "agency") == {
        k: v
        for k, v in figures._live_base_figures(Dossier.objects.all(), periods, "agency").items()
        if k in snapshot.base_figures(periods, "agency")
    }


def test_refresh_recomputes_only_from_the_first_dirty_day(universe):
    _clear()
    spec = {"channel": "desk", "agency": 0, "version": 0, "due": 3000, "outcome": "open", "finish": 0}
    old, recent = make_dossiers(universe, [{**spec, "received": 10 * 1440}, {**spec, "received": 80 * 1440}])
    # Written an hour before the snapshot (beyond the margin for transactions in flight).
    Dossier.objects.update(updated_at=figures.timezone.now() - dt.timedelta(hours=1))
    snapshot.refresh(full=True, horizon=HORIZON)
    assert snapshot.refresh(horizon=HORIZON).recomputed_from == HORIZON  # nothing changed
    recent.due_at += dt.timedelta(days=2)
    recent.save()
    assert snapshot.refresh(horizon=HORIZON).recomputed_from == recent.received_at.astimezone(HCM).date()
    old.competent_agency = universe["agencies"][1]
    old.save()
    assert snapshot.refresh(horizon=HORIZON).recomputed_from == old.received_at.astimezone(HCM).date()
    assert _stored_rows() == _computed_rows()


def test_the_report_reads_the_snapshot_for_ended_periods_and_live_for_the_rest(universe):
    _clear()
    spec = {"channel": "online", "agency": 0, "version": 0, "due": 3000, "outcome": "open", "finish": 0}
    make_dossiers(universe, [{**spec, "received": n * 1440 + 600} for n in range(0, 100, 7)])
    call_command("stats_snapshot", "--to", HORIZON.isoformat())
    now = figures.day_start(HORIZON) + dt.timedelta(days=5, hours=3)
    qs = Dossier.objects.all()
    kwargs = {"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2026, 5, 1), "by_month": True, "now": now}
    with_snapshot = figures.form06(qs, dimension="agency", **kwargs)
    live = figures.form06(qs, dimension="agency", use_snapshot=False, **kwargs)
    assert with_snapshot == live
    # The snapshot answers January to March, April (not over at `now`) is live; and a scoped queryset
    # (a staff member's dossiers) never reads the snapshot.
    periods = figures._periods(dt.date(2026, 1, 1), dt.date(2026, 5, 1), True, now)
    assert [snapshot.covers(p, snapshot.state()) for p in periods] == [True, True, True, False]
    assert not figures._whole_province(Dossier.objects.filter(competent_agency=universe["agencies"][0]))
    assert figures._whole_province(Dossier.objects.all())


def test_command_and_task(universe):
    from motcua.stats.tasks import refresh_snapshot_task

    _clear()
    spec = {"channel": "post", "agency": 1, "version": 1, "due": 100, "outcome": "closed", "finish": 50}
    make_dossiers(universe, [{**spec, "received": 1440}])
    call_command("stats_snapshot", "--full", "--to", HORIZON.isoformat())
    assert DailyFigure.objects.count() == 1  # received, stopped and never overdue on the same day
    row = DailyFigure.objects.get()
    assert (row.received_desk_post, row.closed_without_result, row.open_change) == (1, 1, 0)
    result = refresh_snapshot_task.enqueue()
    assert result.return_value["horizon"] == figures.timezone.localdate().isoformat()
    assert SnapshotState.objects.get().horizon == figures.timezone.localdate()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("stats_snapshot", "--to", "2999-01-01")


@HYPOTHESIS
@given(
    specs=st.lists(dossier_specs, max_size=25),
    first=st.integers(0, 119),
    days=st.integers(1, 90),
    now=st.integers(60 * 1440, 130 * 1440),
    by_month=st.booleans(),
    dimension=st.sampled_from([None, *figures.DIMENSIONS]),
)
def test_report_with_the_snapshot_equals_the_live_report(
    universe, specs, first, days, now, by_month, dimension
):
    """Whatever the period and `now` (before or after the horizon, periods over or not, straddling the
    horizon): the report mixing snapshot and live parts equals the all-live report."""
    _clear()
    make_dossiers(universe, specs)
    snapshot.refresh(full=True, horizon=HORIZON)
    start = ORIGIN.date() + dt.timedelta(days=first)
    kwargs = {
        "date_from": start,
        "date_to": start + dt.timedelta(days=days),
        "dimension": dimension,
        "by_month": by_month,
        "now": _minutes(now),
    }
    assert figures.form06(Dossier.objects.all(), **kwargs) == figures.form06(
        Dossier.objects.all(), use_snapshot=False, **kwargs
    )
