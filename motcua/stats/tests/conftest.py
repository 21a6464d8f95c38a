"""The dossier tests' named people and settable clock, and a hand-built March 2026 data set."""

from motcua.dossiers.tests.conftest import HCM, clock, fresh_calendar, world  # noqa: F401
