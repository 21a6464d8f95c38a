"""What every page's frame shows about the service centre itself."""

from django.conf import settings
from django.http import HttpRequest


def site_contact(request: HttpRequest) -> dict:
    """The centre's address, hotline, e-mail and opening hours (settings MOTCUA_CONTACT_*), for the footer."""
    return {
        "site_contact": {
            "address": settings.MOTCUA_CONTACT_ADDRESS,
            "hotline": settings.MOTCUA_CONTACT_HOTLINE,
            "hotline_tel": "".join(
                ch for ch in settings.MOTCUA_CONTACT_HOTLINE or "" if ch.isdigit() or ch == "+"
            ),
            "email": settings.MOTCUA_CONTACT_EMAIL,
            "hours": settings.MOTCUA_CONTACT_HOURS,
        }
    }
