"""`{% payment_panel dossier %}`: the fees of a dossier, paid or not, with what the viewer may do about
it (the applicant pays online, the desk records cash). Used on the citizen's and the staff dossier pages."""

from django import template

from motcua.payments.selectors import is_desk_officer, payment_state

register = template.Library()


@register.inclusion_tag("payments/_panel.html", takes_context=True)
def payment_panel(context, dossier):
    request = context["request"]
    state = payment_state(dossier)
    user = request.user
    return {
        "state": state,
        "dossier": dossier,
        "is_applicant": user.is_authenticated and dossier.applicant_user_id == user.pk,
        "is_desk": user.is_authenticated and is_desk_officer(user, dossier),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
