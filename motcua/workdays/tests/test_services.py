"""Declarations through the services, the cached calendar they invalidate, and model validation."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from motcua.core.errors import InvalidInput, NotFound
from motcua.workdays import selectors
from motcua.workdays.choices import DayKind
from motcua.workdays.models import DayOverride, OfficeSession
from motcua.workdays.selectors import CALENDAR_VERSION_KEY, due_after, get_calendar, is_working_day
from motcua.workdays.services import day_override_delete, day_override_set

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MAKE_UP = date(2025, 4, 26)  # Saturday worked for the bridge day off on Friday 2 May 2025


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def test_declared_make_up_day_counts_at_once():
    start = at(2025, 4, 25, 13, 30)
    assert due_after(start, days=1) == at(2025, 4, 28, 11, 30)
    override = day_override_set(day=MAKE_UP, kind=DayKind.WORKING_DAY, reason="Thông báo số 1/TB-UBND")
    assert override.pk and override.kind == DayKind.WORKING_DAY
    assert is_working_day(MAKE_UP)
    assert due_after(start, days=1) == at(2025, 4, 26, 11, 30)
    day_override_delete(day=MAKE_UP)
    assert not is_working_day(MAKE_UP)
    assert due_after(start, days=1) == at(2025, 4, 28, 11, 30)


def test_declared_day_off_and_replacing_a_declaration():
    day = date(2025, 3, 12)  # Wednesday
    day_override_set(day=day, kind="day_off", reason="Bầu cử")
    assert not is_working_day(day)
    day_override_set(day=day, kind=DayKind.DAY_OFF, reason="Bầu cử (sửa)")
    assert DayOverride.objects.get(day=day).reason == "Bầu cử (sửa)"
    assert DayOverride.objects.count() == 1


@pytest.mark.parametrize(
    ("day", "kind", "reason"),
    [
        (date(2025, 3, 11), DayKind.WORKING_DAY, "x"),  # Tuesday: already a working day
        (date(2025, 3, 15), DayKind.DAY_OFF, "x"),  # Saturday: already off
        (date(2025, 9, 2), DayKind.DAY_OFF, "x"),  # National Day: already off
        (MAKE_UP, DayKind.WORKING_DAY, "   "),  # no reason
        (MAKE_UP, "holiday", "x"),  # unknown kind
    ],
)
def test_pointless_or_incomplete_declarations_are_refused(day, kind, reason):
    with pytest.raises(InvalidInput):
        day_override_set(day=day, kind=kind, reason=reason)
    assert not DayOverride.objects.exists()


def test_deleting_nothing_is_not_found():
    with pytest.raises(NotFound):
        day_override_delete(day=MAKE_UP)


def test_other_processes_follow_the_shared_version():
    calendar = get_calendar()
    assert get_calendar() is calendar
    # Another process declared a day and bumped the version; this one has its stale copy.
    DayOverride.objects.create(day=MAKE_UP, kind=DayKind.WORKING_DAY, reason="x")
    assert not get_calendar().is_working_day(MAKE_UP)
    cache.set(CALENDAR_VERSION_KEY, "bumped elsewhere")
    assert get_calendar().is_working_day(MAKE_UP)


def test_calendar_is_rebuilt_after_its_ttl(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(selectors.calendar_cache, "clock", lambda: now[0])
    calendar = get_calendar()
    DayOverride.objects.create(day=MAKE_UP, kind=DayKind.WORKING_DAY, reason="x")
    now[0] += selectors.CALENDAR_TTL_SECONDS - 1
    assert get_calendar() is calendar
    now[0] += 2
    assert get_calendar() is not calendar
    assert get_calendar().is_working_day(MAKE_UP)


def test_services_invalidate_again_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        day_override_set(day=MAKE_UP, kind=DayKind.WORKING_DAY, reason="x")
    assert callbacks
    assert cache.get(CALENDAR_VERSION_KEY) is not None


# --- office sessions ---------------------------------------------------------------------------------


def test_settings_sessions_apply_without_rows(settings):
    settings.MOTCUA_DEFAULT_OFFICE_SESSIONS = [("08:00", "12:00"), ("13:00", "17:00")]
    assert get_calendar().is_working_time(at(2025, 3, 11, 12, 30)) is False
    assert get_calendar().due_after(at(2025, 3, 11, 8), days=1) == at(2025, 3, 11, 17)


def test_office_session_rows_replace_the_settings():
    OfficeSession.objects.create(name="Sáng", starts_at=time(7), ends_at=time(11))
    OfficeSession.objects.create(name="Chiều", starts_at=time(13), ends_at=time(17))
    assert get_calendar().due_after(at(2025, 3, 11, 7), days=1) == at(2025, 3, 11, 17)


def test_seasonal_office_session_rows():
    OfficeSession.objects.create(name="Sáng", starts_at=time(7, 30), ends_at=time(11, 30))
    OfficeSession.objects.create(name="Chiều", starts_at=time(13, 30), ends_at=time(17, 30))
    summer = {"valid_from_month": 5, "valid_from_day": 1, "valid_to_month": 9, "valid_to_day": 30}
    OfficeSession.objects.create(name="Sáng (hè)", starts_at=time(7), ends_at=time(11), **summer)
    OfficeSession.objects.create(name="Chiều (hè)", starts_at=time(13, 30), ends_at=time(17, 30), **summer)
    calendar = get_calendar()
    assert calendar.is_working_time(at(2025, 6, 3, 7, 10))
    assert not calendar.is_working_time(at(2025, 3, 4, 7, 10))


def test_office_session_clean_refuses_overlaps_and_bad_seasons():
    OfficeSession.objects.create(name="Sáng", starts_at=time(7, 30), ends_at=time(11, 30))
    OfficeSession.objects.create(
        name="Sáng (hè)",
        starts_at=time(7),
        ends_at=time(11),
        valid_from_month=5,
        valid_from_day=1,
        valid_to_month=9,
        valid_to_day=30,
    )
    bad = [
        OfficeSession(name="Trùng", starts_at=time(11), ends_at=time(12)),
        OfficeSession(name="Ngược", starts_at=time(14), ends_at=time(13)),
        OfficeSession(name="Thiếu", starts_at=time(13), ends_at=time(14), valid_from_month=5),
        OfficeSession(
            name="Chồng mùa",
            starts_at=time(13),
            ends_at=time(14),
            valid_from_month=9,
            valid_from_day=1,
            valid_to_month=10,
            valid_to_day=31,
        ),
        OfficeSession(
            name="Ngày sai",
            starts_at=time(13),
            ends_at=time(14),
            valid_from_month=2,
            valid_from_day=30,
            valid_to_month=3,
            valid_to_day=31,
        ),
    ]
    for session in bad:
        with pytest.raises(ValidationError):
            session.full_clean()
    OfficeSession(name="Chiều", starts_at=time(13, 30), ends_at=time(17, 30)).full_clean()


def test_day_override_clean():
    DayOverride(day=MAKE_UP, kind=DayKind.WORKING_DAY, reason="x").full_clean()
    with pytest.raises(ValidationError):
        DayOverride(day=date(2025, 3, 11), kind=DayKind.WORKING_DAY, reason="x").full_clean()
    with pytest.raises(ValidationError):
        DayOverride(day=date(1800, 3, 11), kind=DayKind.DAY_OFF, reason="x").full_clean()


def test_str():
    assert str(DayOverride(day=MAKE_UP, kind=DayKind.WORKING_DAY, reason="x")).startswith("26/04/2025")
    session = OfficeSession(
        name="Sáng",
        starts_at=time(7),
        ends_at=time(11),
        valid_from_month=5,
        valid_from_day=1,
        valid_to_month=9,
        valid_to_day=30,
    )
    assert str(session) == "Sáng 07:00–11:00 (01/05–30/09)"
