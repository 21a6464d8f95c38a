"""A small data set built through the real workflow services, covering every form 06 column.

Period: March 2026, [2026-03-01, 2026-04-01); the procedure's limit is 3 working days (24 h).

| name | channel | received | outcome | March columns |
|---|---|---|---|---|
| P1 | desk   | Mon 02/02 08:00 (due 05/02) | ready 03/03 09:00 | carried over, late |
| P2 | desk   | Tue 03/02 08:00 (due 06/02) | open | carried over, in progress overdue |
| D1 | online | Mon 02/03 08:00 (due 05/03) | ready 03/03 10:00, returned online | online, early |
| D2 | desk   | Mon 02/03 08:00 (due 05/03) | ready 05/03 07:45 | desk/post, on time |
| D3 | post   | Mon 02/03 08:00 (due 05/03) | apology +2 days 03/03, ready 06/03 10:00 | desk/post, late |
| D4 | desk   | Mon 30/03 08:00 (due 02/04) | open | desk/post, in progress within deadline |
| D5 | online | Mon 16/03 08:00 (due 19/03) | open | online, in progress overdue |
| D6 | desk   | Mon 09/03 08:00 | stopped 10/03 09:00 | desk/post, stopped or withdrawn |
| D7 | desk   | Thu 02/04 08:00 | open | — (after the period) |
| D8 | desk   | Mon 09/02 08:00 | ready 10/02 10:00 | — (before the period) |
| D9 | desk, decided by the Department of Health | Wed 11/03 08:00 (due 16/03) | open | desk/post, overdue |
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from motcua.catalog.tests.factories import make_procedure
from motcua.dossiers.services import dossier_act

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
START, END = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
NOW = dt.datetime(2026, 4, 10, 9, 0, tzinfo=HCM)


def at(day: int, month: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=HCM)


def build(world, clock) -> dict:
    def receive(moment, channel="desk", **kwargs):
        clock.set(moment)
        return world.receive(at=moment, channel=channel, **kwargs)

    def act(dossier, action, actor, moment, **payload):
        clock.set(moment)
        return dossier_act(
            dossier_code=dossier.code, action=action, actor=actor, version=dossier.version, **payload
        )

    def decide(dossier, moment):
        d = act(dossier, "propose", world.specialist, moment - dt.timedelta(minutes=3))
        d = act(d, "approve", world.leader, moment - dt.timedelta(minutes=2))
        return act(d, "mark_result_ready", world.specialist, moment)

    def resolve(dossier, moment):
        return decide(act(dossier, "forward", world.officer, moment - dt.timedelta(minutes=10)), moment)

    ds = {}
    ds["P1"] = resolve(receive(at(2, 2)), at(3, 3, 9))
    ds["P2"] = receive(at(3, 2))
    d1 = resolve(receive(at(2, 3), "online"), at(3, 3, 10))
    ds["D1"] = act(d1, "return_result", world.officer, at(4, 3, 9), method="online")
    ds["D2"] = resolve(receive(at(2, 3, 8, 1)), at(5, 3, 7, 45))
    d3 = act(receive(at(2, 3, 8, 2), "post"), "forward", world.officer, at(2, 3, 9))
    # Form 04 at least one working day before the due moment (05/03 08:02).
    d3 = act(d3, "apologise_extend", world.leader, at(3, 3, 16), days="2", reason="Cần xác minh")
    ds["D3"] = decide(d3, at(6, 3, 10))
    ds["D4"] = receive(at(30, 3))
    ds["D5"] = receive(at(16, 3), "online")
    d6 = act(receive(at(9, 3)), "forward", world.officer, at(9, 3, 9))
    ds["D6"] = act(d6, "stop", world.leader, at(10, 3, 9), reason="Không đủ điều kiện")
    ds["D7"] = receive(at(2, 4))
    ds["D8"] = resolve(receive(at(9, 2)), at(10, 2, 10))
    # A procedure the Department of Health decides (a dossier is decided only by an agency its procedure
    # names), in the same field and with the same time limit.
    health_version = make_procedure(
        "2.000942",
        "Cấp giấy xác nhận nội dung quảng cáo mỹ phẩm",
        field_name="Lý lịch tư pháp",
        levels=("province",),
        days="3",
        agency_identifier=world.health.identifier,
    )
    ds["D9"] = receive(at(11, 3), procedure_version=health_version)
    clock.set(NOW)
    return ds


# The hand count for March 2026 (all agencies), and the dossiers behind each base column.
EXPECTED_CODES = {
    "received_online": {"D1", "D5"},
    "received_desk_post": {"D2", "D3", "D4", "D6", "D9"},
    "carried_over": {"P1", "P2"},
    "resolved_early": {"D1"},
    "resolved_on_time": {"D2"},
    "resolved_late": {"P1", "D3"},
    "closed_without_result": {"D6"},
    "in_progress_within": {"D4"},
    "in_progress_overdue": {"P2", "D5", "D9"},
}
EXPECTED_CODES["received_total"] = (
    EXPECTED_CODES["received_online"] | EXPECTED_CODES["received_desk_post"] | EXPECTED_CODES["carried_over"]
)
EXPECTED_CODES["resolved_total"] = (
    EXPECTED_CODES["resolved_early"] | EXPECTED_CODES["resolved_on_time"] | EXPECTED_CODES["resolved_late"]
)
EXPECTED_CODES["in_progress_total"] = (
    EXPECTED_CODES["in_progress_within"] | EXPECTED_CODES["in_progress_overdue"]
)

HAND_COUNT = {
    "received_total": 9,
    "received_online": 2,
    "received_desk_post": 5,
    "carried_over": 2,
    "resolved_total": 4,
    "resolved_early": 1,
    "resolved_on_time": 1,
    "resolved_late": 2,
    "in_progress_total": 4,
    "in_progress_within": 1,
    "in_progress_overdue": 3,
    "closed_without_result": 1,
}
