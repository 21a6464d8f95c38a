"""Sign-in by e-mail address, phone number or username, with one password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from motcua.org.selectors import staff_agency_ids, user_by_identifier


class EmailOrPhoneBackend(ModelBackend):
    """Django's ModelBackend (permissions included), finding the account by whichever identifier the
    person typed: 'an@example.vn', '0912 345 678', '+84912345678' or a staff username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if not username or password is None:
            return None
        user = user_by_identifier(username, active=None)
        if user is None:
            # Spend the time of a password check anyway, so a missing account does not answer faster.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if not settings.MOTCUA_CITIZEN_PASSWORDS and not staff_agency_ids(user) and not user.is_superuser:
                # Citizens sign in with VNeID only (MOTCUA_CITIZEN_PASSWORDS off); staff keep their password.
                return None
            return user
        return None
