"""Template helpers of the back office's frame."""

from __future__ import annotations

from django import template

from motcua.dossiers.forms import receiving_desks

register = template.Library()


@register.simple_tag(takes_context=True)
def can_use_desk(context: template.Context) -> bool:
    """Whether the signed-in user may open the desk (a receiving officer of an agency with an active desk):
    the menu offers only pages the user is not refused."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and receiving_desks(user).exists())
