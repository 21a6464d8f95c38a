import pytest
from django.core.cache import cache

from motcua.core import sms

# Until config/settings.py names it, the tests switch the e-mail-or-phone backend on themselves.
BACKEND = "motcua.org.backends.EmailOrPhoneBackend"


@pytest.fixture(autouse=True)
def accounts_settings(settings):
    """Sign-in by e-mail or phone, SMS kept in `motcua.core.sms.outbox`, and rate-limit counts that
    start from zero (the cache outlives each test's rolled-back rows)."""
    settings.AUTHENTICATION_BACKENDS = [BACKEND]
    settings.MOTCUA_SMS_BACKEND = "motcua.core.sms.LocmemSMSBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sms.outbox.clear()
    cache.clear()
    yield settings
    sms.outbox.clear()
    cache.clear()
