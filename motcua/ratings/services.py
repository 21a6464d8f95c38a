"""Writes on ratings: the applicant rates a returned dossier, once."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, InvalidInput, NotFound
from motcua.core.text import nfc
from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.selectors import dossier_for
from motcua.org.models import User
from motcua.ratings.indices import compute_indices, contacts_score, resolved_moment
from motcua.ratings.models import Rating

MAX_COMMENT = 2000


def _already_rated() -> Conflict:
    return Conflict(_("This dossier has already been rated."), code="already_rated")


def rating_submit(*, dossier_code: str, user: User, stars: int, comment: str = "", contacts: int) -> Rating:
    """The applicant `user` rates their returned dossier `dossier_code`: stars 1–5, a comment and how
    many times they had to contact the desk; the time-based indices are computed from the dossier's
    steps and events.

    Raises NotFound when the dossier is not the user's own (the same answer whether it exists or
    not), Conflict `not_returned` before the result is returned, Conflict `already_rated` the second
    time, InvalidInput for stars outside 1–5 or a negative number of contacts.
    """
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise InvalidInput(_("Give between 1 and 5 stars."), code="invalid_stars")
    if not isinstance(contacts, int) or not 0 <= contacts <= 100:
        raise InvalidInput(_("Give the number of contacts (0 or more)."), code="invalid_contacts")
    comment = nfc((comment or "").strip())
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(_("The comment is too long."), code="invalid_input")

    dossier = dossier_for(user, dossier_code)
    if dossier.applicant_user_id != user.pk:
        # Staff may see the dossier, but only its applicant rates it.
        raise NotFound(_("Dossier not found."), code="dossier_not_found")
    if dossier.status != DossierStatus.RETURNED:
        raise Conflict(_("A dossier can be rated once its result has been returned."), code="not_returned")
    if Rating.objects.filter(dossier=dossier).exists():
        raise _already_rated()

    steps = list(dossier.steps.all())
    indices = compute_indices(
        due_at=dossier.due_at,
        resolved_at=resolved_moment(dossier.events.all(), fallback=dossier.returned_at),
        steps=steps,
        agency_identifier=lambda step: step.agency.identifier,
    )
    try:
        with transaction.atomic():
            return Rating.objects.create(
                dossier=dossier,
                applicant=user,
                agency_id=dossier.competent_agency_id,
                stars=stars,
                comment=comment,
                resolved_at=indices.resolved_at,
                due_at=indices.due_at,
                total_time_score=indices.total_time_score,
                unit_time_score=indices.unit_time_score,
                unit_scores=indices.unit_scores,
                contacts=contacts,
                contacts_score=contacts_score(contacts),
            )
    except IntegrityError:
        # A concurrent second submission lost the race on the one-to-one constraint.
        raise _already_rated() from None
