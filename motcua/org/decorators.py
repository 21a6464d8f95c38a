"""View guards for the back office."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

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
