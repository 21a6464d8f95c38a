"""View guards for the back office."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from motcua.org.selectors import staff_agency_ids


def staff_required(view):
    """Signed in (else the sign-in page) and holding a staff role in some agency (else 403): citizens never
    reach the back office, whatever its selectors would show them."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not staff_agency_ids(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def citizen_passwords_required(view):
    """The page exists only while citizens may have local passwords (MOTCUA_CITIZEN_PASSWORDS): without
    them, registration, verification and password reset are gone and citizens sign in with VNeID."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not settings.MOTCUA_CITIZEN_PASSWORDS:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
