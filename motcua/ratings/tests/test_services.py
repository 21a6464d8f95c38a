"""rating_submit: indices computed from a real dossier's steps and events; once; only the applicant's."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from motcua.core.errors import Conflict, InvalidInput, NotFound
from motcua.dossiers.services import dossier_act
from motcua.ratings.models import Rating
from motcua.ratings.selectors import rating_averages
from motcua.ratings.services import rating_submit

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=HCM)  # 2 March 2026 is a Monday


def run(world, clock, dossier, moves):
    """Take each (moment, action, actor, payload) at its moment on the settable clock."""
    for moment, action, actor, payload in moves:
        clock.set(moment)
        dossier = dossier_act(
            dossier_code=dossier.code, action=action, actor=actor, version=dossier.version, **payload
        )
    return dossier


def story(world, clock, *, forward_1, forward_2, ready, returned=None):
    """Received Monday 08:00 (due Thursday 08:00): reception → examination → signature → result."""
    clock.set(at(2, 8))
    d = world.receive(at=at(2, 8))
    assert d.due_at == at(5, 8)
    return run(
        world,
        clock,
        d,
        [
            (forward_1, "forward", world.officer, {}),
            (forward_2 - dt.timedelta(minutes=1), "propose", world.specialist, {}),
            (forward_2, "forward", world.specialist, {}),
            (forward_2, "approve", world.leader, {}),
            (ready, "mark_result_ready", world.leader, {}),
            (returned or ready, "return_result", world.officer, {"method": "desk"}),
        ],
    )


def test_early_dossier_scores_two_on_both_time_indices(world, clock):
    d = story(
        world, clock, forward_1=at(2, 8, 30), forward_2=at(2, 15), ready=at(2, 15, 45), returned=at(3, 9)
    )
    rating = rating_submit(dossier_code=d.code, user=world.citizen, stars=5, comment=" Nhanh ", contacts=1)
    assert (rating.total_time_score, rating.unit_time_score, rating.contacts_score) == (2, 2, 2)
    assert rating.unit_scores == {world.commune.identifier: 2, world.dept.identifier: 2}
    assert rating.resolved_at == at(2, 15, 45)  # when the result was ready, not when it was collected
    assert rating.comment == "Nhanh" and rating.agency == world.dept and rating.applicant == world.citizen


def test_on_time_dossier_scores_one(world, clock):
    # Reception forwarded with 15 of its 120 minutes left; examination due Wednesday 15:45, forwarded at
    # 15:40; signature (120 min) due Thursday 07:40, result ready 07:35: on the due day, before 08:00.
    d = story(world, clock, forward_1=at(2, 9, 45), forward_2=at(4, 15, 40), ready=at(5, 7, 35))
    rating = rating_submit(dossier_code=d.code, user=world.citizen, stars=4, contacts=2)
    assert (rating.total_time_score, rating.unit_time_score, rating.contacts_score) == (1, 1, 1)
    assert rating.unit_scores == {world.commune.identifier: 1, world.dept.identifier: 1}


def test_late_dossier_scores_zero_even_after_an_apology(world, clock):
    clock.set(at(2, 8))
    d = world.receive(at=at(2, 8))
    d = run(
        world,
        clock,
        d,
        [
            (at(2, 8, 30), "forward", world.officer, {}),
            # Form 04 a working day before the due moment (Thursday 08:00) at the latest.
            (at(4, 8), "apologise_extend", world.leader, {"days": "2", "reason": "Chờ xác minh"}),
            (at(6, 9), "propose", world.specialist, {}),
            (at(6, 9, 5), "forward", world.specialist, {}),
            (at(6, 9, 10), "approve", world.leader, {}),
            (at(6, 9, 30), "mark_result_ready", world.leader, {}),
            (at(6, 10), "return_result", world.officer, {}),
        ],
    )
    assert d.extended_due_at > at(6, 9, 30)  # within the new appointment, still late in law
    rating = rating_submit(dossier_code=d.code, user=world.citizen, stars=2, contacts=4)
    assert (rating.total_time_score, rating.contacts_score) == (0, 0)
    assert rating.unit_scores == {world.commune.identifier: 2, world.dept.identifier: 0}
    assert rating.unit_time_score == 0 and rating.due_at == at(5, 8)


def test_supplement_pause_moves_the_due_moment_the_index_compares_with(world, clock):
    clock.set(at(2, 8))
    d = world.receive(at=at(2, 8))
    d = run(
        world,
        clock,
        d,
        [
            (at(2, 8, 30), "forward", world.officer, {}),
            (at(2, 9), "request_supplement", world.specialist, {"reason": "Thiếu bản sao"}),
            (at(4, 9), "supplement", world.citizen, {}),  # two working days paused
            (at(6, 9), "propose", world.specialist, {}),
            (at(6, 9, 5), "forward", world.specialist, {}),
            (at(6, 9, 10), "approve", world.leader, {}),
            (at(6, 9, 30), "mark_result_ready", world.leader, {}),
            (at(6, 10), "return_result", world.officer, {}),
        ],
    )
    rating = rating_submit(dossier_code=d.code, user=world.citizen, stars=4, contacts=2)
    assert rating.due_at == d.due_at == at(9, 8)  # Thursday 08:00 + 2 paused working days
    assert rating.total_time_score == 2  # ready on Friday, due the next Monday


def test_parallel_consultations_are_units_of_their_own(world, clock):
    clock.set(at(2, 8))
    d = world.receive(at=at(2, 8))
    d = run(
        world,
        clock,
        d,
        [
            (at(2, 8, 30), "forward", world.officer, {}),
            (
                at(2, 9),
                "consult",
                world.specialist,
                {"agencies": [world.health.identifier, world.finance.identifier]},
            ),
            (at(2, 10), "join", world.health_specialist, {"opinion": "Đồng ý"}),
            (at(3, 16), "join", world.finance_specialist, {"opinion": "Đồng ý"}),  # 1 day share: late
            (at(3, 16, 30), "propose", world.specialist, {}),
            (at(3, 16, 40), "forward", world.specialist, {}),
            (at(3, 16, 45), "approve", world.leader, {}),
            (at(3, 17), "mark_result_ready", world.leader, {}),
            (at(4, 8), "return_result", world.officer, {}),
        ],
    )
    rating = rating_submit(dossier_code=d.code, user=world.citizen, stars=3, contacts=0)
    assert rating.unit_scores[world.health.identifier] == 2
    assert rating.unit_scores[world.finance.identifier] == 0
    assert (rating.total_time_score, rating.unit_time_score) == (2, 0)


def test_only_once(world, clock):
    d = story(world, clock, forward_1=at(2, 8, 30), forward_2=at(2, 15), ready=at(2, 15, 45))
    rating_submit(dossier_code=d.code, user=world.citizen, stars=5, contacts=0)
    with pytest.raises(Conflict) as err:
        rating_submit(dossier_code=d.code, user=world.citizen, stars=1, contacts=0)
    assert err.value.code == "already_rated"
    assert Rating.objects.get().stars == 5


def test_not_yours_is_not_found_even_for_staff_who_see_it(world, clock):
    d = story(world, clock, forward_1=at(2, 8, 30), forward_2=at(2, 15), ready=at(2, 15, 45))
    for user in (world.stranger, world.officer, world.leader, world.outsider):
        with pytest.raises(NotFound):
            rating_submit(dossier_code=d.code, user=user, stars=5, contacts=0)
    with pytest.raises(NotFound):
        rating_submit(dossier_code="000.00.31.H48-260302-9999", user=world.citizen, stars=5, contacts=0)
    assert not Rating.objects.exists()


def test_not_returned_yet_is_a_conflict(world, clock):
    clock.set(at(2, 8))
    d = world.receive(at=at(2, 8))
    with pytest.raises(Conflict) as err:
        rating_submit(dossier_code=d.code, user=world.citizen, stars=5, contacts=0)
    assert err.value.code == "not_returned"


@pytest.mark.parametrize("stars, contacts", [(0, 0), (6, 0), (3, -1)])
def test_bad_input(world, stars, contacts):
    with pytest.raises(InvalidInput):
        rating_submit(dossier_code="x", user=world.citizen, stars=stars, contacts=contacts)


def test_selectors_average_per_agency(world, clock):
    d = story(world, clock, forward_1=at(2, 8, 30), forward_2=at(2, 15), ready=at(2, 15, 45))
    rating_submit(dossier_code=d.code, user=world.citizen, stars=4, contacts=2)
    summary = rating_averages(agency=world.dept.identifier)
    assert summary.count == 1 and summary.stars_average == 4.0 and summary.satisfied_share == 1.0
    assert (summary.total_time_average, summary.unit_time_average, summary.contacts_average) == (
        2.0,
        2.0,
        1.0,
    )
    assert summary.stars == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}
    empty = rating_averages(agency=world.commune.identifier)
    assert empty.count == 0 and empty.stars_average is None and empty.satisfied_share is None
    with pytest.raises(NotFound):
        rating_averages(agency="nope")
