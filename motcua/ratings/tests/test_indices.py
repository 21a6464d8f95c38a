"""The legal 2/1/0 indices: pure arithmetic on moments, steps and contacts."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from motcua.dossiers.timeliness import Timeliness, step_timeliness, timeliness
from motcua.ratings.indices import compute_indices, contacts_score, resolved_moment, unit_scores

pytestmark = pytest.mark.django_db  # the working calendar reads the province's day overrides

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = dt.datetime(2026, 3, 5, 8, 0, tzinfo=HCM)  # a Thursday, 08:00


@pytest.mark.parametrize(
    "finished, expected",
    [
        (dt.datetime(2026, 3, 4, 17, 0, tzinfo=HCM), Timeliness.EARLY),  # the day before
        (dt.datetime(2026, 3, 5, 7, 45, tzinfo=HCM), Timeliness.ON_TIME),  # the due day, before the moment
        (DUE, Timeliness.ON_TIME),  # exactly at the due moment
        (DUE + dt.timedelta(minutes=1), Timeliness.LATE),
        (dt.datetime(2026, 3, 9, 9, 0, tzinfo=HCM), Timeliness.LATE),
    ],
)
def test_total_time_is_judged_by_the_due_day(finished, expected):
    assert timeliness(finished, DUE) == expected


def test_the_local_day_decides_not_the_utc_day():
    # 06:30 in Hà Nội is 23:30 UTC the day before: still the due day locally, so on time.
    due = dt.datetime(2026, 3, 5, 9, 0, tzinfo=HCM)
    assert timeliness(dt.datetime(2026, 3, 5, 6, 30, tzinfo=HCM), due) == Timeliness.ON_TIME


@pytest.mark.parametrize(
    "finished, expected",
    [
        (dt.datetime(2026, 3, 2, 8, 0, tzinfo=HCM), Timeliness.EARLY),  # 2 h of a 2 h share left
        (dt.datetime(2026, 3, 2, 9, 30, tzinfo=HCM), Timeliness.EARLY),  # exactly a quarter left
        (dt.datetime(2026, 3, 2, 9, 31, tzinfo=HCM), Timeliness.ON_TIME),
        (dt.datetime(2026, 3, 2, 10, 0, tzinfo=HCM), Timeliness.ON_TIME),
        (dt.datetime(2026, 3, 2, 10, 1, tzinfo=HCM), Timeliness.LATE),
    ],
)
def test_a_step_is_early_with_a_quarter_of_its_share_left(finished, expected):
    due = dt.datetime(2026, 3, 2, 10, 0, tzinfo=HCM)  # a Monday; the share is 120 working minutes
    assert step_timeliness(finished, due, 120) == expected


def test_a_quarter_left_counts_working_time_only():
    # Due Tuesday 08:00 with a 2 h share. Monday 17:20 leaves 10 + 30 working minutes; 18:30 leaves the
    # 30 of Tuesday morning (the evening does not count); Tuesday 07:35 leaves 25.
    due = dt.datetime(2026, 3, 3, 8, 0, tzinfo=HCM)
    assert step_timeliness(dt.datetime(2026, 3, 2, 17, 20, tzinfo=HCM), due, 120) == Timeliness.EARLY
    assert step_timeliness(dt.datetime(2026, 3, 2, 18, 30, tzinfo=HCM), due, 120) == Timeliness.EARLY
    assert step_timeliness(dt.datetime(2026, 3, 3, 7, 35, tzinfo=HCM), due, 120) == Timeliness.ON_TIME


@pytest.mark.parametrize("contacts, score", [(0, 2), (1, 2), (2, 1), (3, 0), (10, 0)])
def test_contacts_score(contacts, score):
    assert contacts_score(contacts) == score


def _step(agency, started, due, finished, share=120):
    return SimpleNamespace(
        agency=agency, started_at=started, due_at=due, finished_at=finished, share_minutes=share
    )


def _at(day, hour, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=HCM)


def test_each_unit_scores_its_worst_step_and_the_index_is_the_worst_unit():
    steps = [
        _step("desk", _at(2, 8), _at(2, 10), _at(2, 8, 30)),  # early
        _step("dept", _at(2, 8, 30), _at(2, 10, 30), _at(2, 9)),  # early
        _step("dept", _at(2, 9), _at(2, 11), _at(2, 10, 50)),  # on time: the department scores 1
        _step("health", _at(2, 9), _at(2, 11), _at(2, 9, 15)),  # early consultation
        _step("desk", None, None, None),  # never started (skipped): does not count
    ]
    scores = unit_scores(steps, lambda s: s.agency)
    assert scores == {"desk": 2, "dept": 1, "health": 2}
    indices = compute_indices(
        due_at=DUE, resolved_at=_at(2, 11), steps=steps, agency_identifier=lambda s: s.agency
    )
    assert (indices.total_time_score, indices.unit_time_score) == (2, 1)

    late = [*steps, _step("finance", _at(2, 9), _at(2, 11), _at(3, 8))]
    indices = compute_indices(
        due_at=DUE, resolved_at=_at(4, 9), steps=late, agency_identifier=lambda s: s.agency
    )
    assert indices.unit_scores["finance"] == 0 and indices.unit_time_score == 0
    assert indices.total_time_score == 2  # a late consultation does not make the whole dossier late


def test_without_steps_the_unit_index_follows_the_total():
    indices = compute_indices(due_at=DUE, resolved_at=_at(5, 9), steps=[], agency_identifier=str)
    assert (indices.total_time_score, indices.unit_time_score, indices.unit_scores) == (0, 0, {})


def test_the_result_moment_is_the_last_result_ready_event():
    events = [
        SimpleNamespace(action="receive", created_at=_at(2, 8)),
        SimpleNamespace(action="mark_result_ready", created_at=_at(4, 9)),
        SimpleNamespace(action="return_result", created_at=_at(6, 9)),
    ]
    assert resolved_moment(events) == _at(4, 9)
    assert resolved_moment(events[::2]) == _at(6, 9)
    assert resolved_moment([], fallback=_at(7, 9)) == _at(7, 9)
