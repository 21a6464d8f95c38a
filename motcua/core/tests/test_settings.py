"""Settings parse strictly: a mistyped boolean, number, choice or time stops start-up with a clear message."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings

from config.env import BadSetting, envbool, envchoice, envint, envlist, envtime


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("True", True),
        ("1", True),
        ("yes", True),
        ("ON", True),
        ("false", False),
        ("0", False),
    ],
)
def test_booleans_in_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("MOTCUA_X", raw)
    assert envbool("MOTCUA_X", not expected) is expected


@pytest.mark.parametrize("raw", ["flase", "Fasle", "2", "off-ish", "y"])
def test_a_typo_in_a_boolean_is_refused_not_false(monkeypatch, raw):
    monkeypatch.setenv("MOTCUA_X", raw)
    with pytest.raises(BadSetting, match=r"MOTCUA_X=.* expected a boolean"):
        envbool("MOTCUA_X", True)


def test_unset_or_empty_means_the_default(monkeypatch):
    monkeypatch.delenv("MOTCUA_X", raising=False)
    assert envbool("MOTCUA_X", True) is True and envint("MOTCUA_X", 7) == 7
    monkeypatch.setenv("MOTCUA_X", "  ")
    assert envbool("MOTCUA_X", False) is False and envint("MOTCUA_X", 7) == 7


def test_numbers_choices_times_and_lists(monkeypatch):
    monkeypatch.setenv("MOTCUA_X", " 12 ")
    assert envint("MOTCUA_X", 8, minimum=1, maximum=24) == 12
    for raw in ("eight", "1.5", "0", "25"):
        monkeypatch.setenv("MOTCUA_X", raw)
        with pytest.raises(BadSetting, match="a whole number from 1 to 24"):
            envint("MOTCUA_X", 8, minimum=1, maximum=24)
    monkeypatch.setenv("MOTCUA_X", "Accept")
    with pytest.raises(BadSetting, match="one of refuse, accept"):
        envchoice("MOTCUA_X", "refuse", ("refuse", "accept"))
    monkeypatch.setenv("MOTCUA_X", "16:30")
    assert envtime("MOTCUA_X", "15:00") == dt.time(16, 30)
    monkeypatch.setenv("MOTCUA_X", "4pm")
    with pytest.raises(BadSetting, match="HH:MM"):
        envtime("MOTCUA_X", "15:00")
    monkeypatch.setenv("MOTCUA_X", "a.gov, ,b.gov,")
    assert envlist("MOTCUA_X") == ["a.gov", "b.gov"]


def test_values_are_typed_once_in_settings():
    assert dt.time(15, 0) == settings.MOTCUA_TRANSFER_CUTOFF
    assert isinstance(settings.MOTCUA_WORKDAY_HOURS, int) and isinstance(settings.DEBUG, bool)
    assert settings.MOTCUA_LATE_APOLOGY_POLICY == "refuse"


@pytest.mark.parametrize(
    ("name", "raw", "said"),
    [
        ("DEBUG", "flase", "Setting DEBUG='flase' is invalid: expected a boolean"),
        (
            "MOTCUA_WORKDAY_HOURS",
            "eight",
            "Setting MOTCUA_WORKDAY_HOURS='eight' is invalid: expected a whole number",
        ),
        (
            "TASKS_BACKEND",
            "redis",
            "Setting TASKS_BACKEND='redis' is invalid: expected one of immediate, database",
        ),
    ],
)
def test_start_up_stops_with_the_setting_named(name, raw, said):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**env, name: raw},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert said in result.stderr and "Traceback" not in result.stderr


def test_a_default_written_as_text_is_read_as_a_boolean(monkeypatch):
    monkeypatch.delenv("MOTCUA_X", raising=False)
    assert envbool("MOTCUA_X", "False") is False and envbool("MOTCUA_X", "True") is True
