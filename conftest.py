"""Suite-wide test settings."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 with production rounds costs ~0.3 s a login; tests only need a real check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_work_calendar():
    # The working calendar is cached per process; a test's declared days roll back with its transaction.
    from motcua.workdays.selectors import forget_calendar

    forget_calendar()
    yield
    forget_calendar()


@pytest.fixture(autouse=True)
def _fresh_local_caches():
    # Reference data kept in the process (motcua.core.localcache) must not outlive the test that wrote it.
    from motcua.core.localcache import LocalCache

    LocalCache.clear_all()
    yield
    LocalCache.clear_all()


@pytest.fixture(autouse=True)
def _fresh_publication_due_check():
    # Each process checks for due publication decisions at most once a minute; a test starts unchecked.
    from motcua.catalog.publication_services import forget_due_check

    forget_due_check()
    yield
    forget_due_check()


@pytest.fixture
def english(settings):
    """For tests that read messages' English wording: pages and services answer in English. The default,
    Vietnamese, is checked in motcua/portal/tests/test_translations.py."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path_factory):
    # Private files (electronic results) a test stores go to a temporary folder, never to var/.
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private")
    return settings.PRIVATE_MEDIA_ROOT
