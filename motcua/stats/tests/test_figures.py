"""Form 06 on the hand-built data set: counts equal the hand count, the headline and the drill-down agree."""

import pytest

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.stats import figures
from motcua.stats.tests import dataset
from motcua.stats.tests.dataset import END, EXPECTED_CODES, HAND_COUNT, NOW, START

pytestmark = pytest.mark.django_db


@pytest.fixture
def ds(world, clock):
    return dataset.build(world, clock)


def test_hand_count_for_the_whole_scope(ds):
    report = figures.form06(Dossier.objects.all(), date_from=START, date_to=END, dimension=None, now=NOW)
    assert report.total == HAND_COUNT
    (row,) = report.rows
    assert row.figures == HAND_COUNT
    t = report.total
    assert t["received_total"] == t["resolved_total"] + t["closed_without_result"] + t["in_progress_total"]
    assert report.on_time_rate == 0.5 == (1 + 1) / 4


def test_by_agency_rows_sum_to_the_total(ds, world):
    report = figures.form06(Dossier.objects.all(), date_from=START, date_to=END, dimension="agency", now=NOW)
    rows = {r.key: r.figures for r in report.rows}
    assert set(rows) == {world.dept.pk, world.health.pk}
    assert (
        rows[world.health.pk]["received_desk_post"] == 1 and rows[world.health.pk]["in_progress_overdue"] == 1
    )
    assert rows[world.dept.pk]["received_total"] == 8
    assert report.total == HAND_COUNT


@pytest.mark.parametrize("column", list(figures.COLUMNS))
def test_drill_down_lists_exactly_the_counted_dossiers(ds, column):
    qs = figures.drill_down(Dossier.objects.all(), column=column, date_from=START, date_to=END, now=NOW)
    codes = {name for name, d in ds.items() if d.code in set(qs.values_list("code", flat=True))}
    assert codes == EXPECTED_CODES[column]
    assert len(codes) == HAND_COUNT[column]


def test_drill_down_by_agency_key(ds, world):
    qs = figures.drill_down(
        Dossier.objects.all(),
        column="in_progress_overdue",
        date_from=START,
        date_to=END,
        dimension="agency",
        key=str(world.health.pk),
        now=NOW,
    )
    assert list(qs.values_list("code", flat=True)) == [ds["D9"].code]


def test_group_by_each_dimension_gives_the_same_total(ds):
    for dimension in figures.DIMENSIONS:
        report = figures.form06(
            Dossier.objects.all(), date_from=START, date_to=END, dimension=dimension, now=NOW
        )
        summed = {c: sum(r.figures[c] for r in report.rows) for c in figures.COLUMNS}
        assert summed == HAND_COUNT, dimension


def test_by_month_recomputes_each_month(ds):
    report = figures.form06(
        Dossier.objects.all(),
        date_from=dataset.START.replace(month=2),
        date_to=END,
        dimension=None,
        by_month=True,
        now=NOW,
    )
    feb, march = report.rows
    assert march.figures == HAND_COUNT
    # February: P1, P2, D8 received at the desk; D8 resolved early; P1 and P2 overdue at the end.
    assert (
        feb.figures["received_desk_post"],
        feb.figures["resolved_early"],
        feb.figures["in_progress_overdue"],
    ) == (3, 1, 2)
    assert march.figures["carried_over"] == feb.figures["in_progress_total"]
    assert report.total["received_total"] == 3 + 7 and report.total["carried_over"] == 0


def test_moments_are_those_of_the_events(ds):
    """The columns are the projection of the event log: each moment equals its event's time."""
    for d in Dossier.objects.all():
        events = {e.action: e.created_at for e in DossierEvent.objects.filter(dossier=d)}
        assert d.received_at == events["receive"]
        if d.result_ready_at:
            assert d.result_ready_at == events["mark_result_ready"]
        if d.closed_at and "stop" in events:
            assert d.closed_at == events["stop"]


def test_apology_extended_dossier_counts_late(ds):
    d3 = Dossier.objects.get(pk=ds["D3"].pk)
    assert d3.apology_issued and d3.result_ready_at <= d3.extended_due_at and d3.result_ready_at > d3.due_at
    late = figures.drill_down(
        Dossier.objects.all(), column="resolved_late", date_from=START, date_to=END, now=NOW
    )
    assert late.filter(pk=d3.pk).exists()


@pytest.mark.parametrize(
    ("date_from", "date_to", "code"),
    [
        (None, "2026-04-01", "period_required"),
        ("2026-13-01", "2026-04-01", "invalid_date"),
        ("2026-04-01", "2026-03-01", "invalid_period"),
        ("2020-01-01", "2026-01-01", "period_too_long"),
    ],
)
def test_bad_periods_are_clear_errors(date_from, date_to, code):
    from motcua.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        figures.parse_period(date_from, date_to)
    assert err.value.code == code


def test_bad_group_by():
    from motcua.core.errors import InvalidInput

    for value in ("nope", "agency,field", "month,month"):
        with pytest.raises(InvalidInput):
            figures.parse_group_by(value)
    assert figures.parse_group_by("agency,month") == ("agency", True)
