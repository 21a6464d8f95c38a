# The dossier tests' named people and agencies, and the settable clock.
from motcua.dossiers.tests.conftest import clock, fresh_calendar, world  # noqa: F401
