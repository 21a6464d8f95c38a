import pytest

from motcua.portal.selectors import forget_glossary


@pytest.fixture(autouse=True)
def _fresh_glossary_cache():
    # The term list is cached; a test's rows roll back, the cache would not.
    forget_glossary()
    yield
    forget_glossary()
