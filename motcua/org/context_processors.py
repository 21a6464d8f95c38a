"""What the page frame needs to know about the signed-in person."""

from django.conf import settings
from django.http import HttpRequest

from motcua.org.selectors import staff_agency_ids


def roles(request: HttpRequest) -> dict:
    """`is_officer`: the user holds a staff role in some agency (the back-office link is shown)."""
    flags = {"citizen_passwords": settings.MOTCUA_CITIZEN_PASSWORDS}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_officer": False, **flags}
    return {"is_officer": bool(staff_agency_ids(user)), **flags}
