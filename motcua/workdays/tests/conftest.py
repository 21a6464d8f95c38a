import pytest
from django.core.cache import cache

from motcua.workdays.selectors import CALENDAR_VERSION_KEY, forget_calendar


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Each test starts from an uncached calendar: the database rolls back between tests, the
    process-level calendar cache would not."""
    forget_calendar()
    cache.delete(CALENDAR_VERSION_KEY)
    yield
    forget_calendar()
    cache.delete(CALENDAR_VERSION_KEY)
