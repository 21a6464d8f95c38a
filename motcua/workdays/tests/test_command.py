"""manage.py workdays list | add-off | add-makeup | remove | due."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.workdays.models import DayOverride
from motcua.workdays.selectors import is_working_day

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


def test_add_makeup_list_and_remove():
    output = run("add-makeup", "26/04/2025", "--reason", "Làm bù 2/5/2025")
    assert "2025-04-26" in output
    assert is_working_day(date(2025, 4, 26))

    listing = run("list", "--year", "2025")
    lines = {line[:10]: line for line in listing.splitlines()}
    assert "[declared make-up]" in lines["2025-04-26"] and "working" in lines["2025-04-26"]
    assert "[holiday]" in lines["2025-05-02"]
    assert "[holiday]" in lines["2025-04-07"]
    assert "weekend" in lines["2025-02-01"]  # fourth day of Tết, a Saturday

    run("remove", "2025-04-26")
    assert not DayOverride.objects.exists()
    assert not is_working_day(date(2025, 4, 26))


def test_add_off():
    run("add-off", "2025-03-12", "--reason", "Bầu cử")
    assert DayOverride.objects.get(day=date(2025, 3, 12)).kind == "day_off"
    assert "[declared off]" in run("list", "--year", "2025")


def test_due():
    assert run("due", "2025-01-24T10:00", "--days", "3").strip() == "2025-02-05T10:00:00+07:00"
    assert run("due", "2025-03-11T10:00+07:00", "--hours", "4").strip() == "2025-03-11T16:00:00+07:00"
    assert run("due", "2025-03-11T10:00", "--days", "0.25").strip() == "2025-03-11T14:00:00+07:00"


@pytest.mark.parametrize(
    "args",
    [
        ("add-off", "2025-13-01", "--reason", "x"),
        ("add-makeup", "not a date", "--reason", "x"),
        ("add-makeup", "2025-03-11", "--reason", "x"),  # already a working day
        ("remove", "2025-04-26"),  # nothing declared
        ("due", "yesterday", "--days", "1"),
        ("due", "2025-03-11T10:00", "--days", "-1"),
        ("list", "--year", "1800"),
    ],
)
def test_bad_arguments_are_command_errors(args):
    with pytest.raises(CommandError):
        run(*args)
