"""Reads of petitions (PAKN), scoped by who asks.

- Office reviewers see every petition; other staff see those routed to their agencies; a signed-in
  citizen sees their own; nobody else sees any through `petitions_visible_to`.
- The public sees published answers only (`petitions_public`), and Open311 clients the petitions
  whose submitters agreed to publication, without contact data (`petitions_open311`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.core.text import search_terms
from motcua.feedback import workflow
from motcua.feedback.choices import OPEN_STATUSES, PetitionStatus
from motcua.feedback.models import Petition, PetitionCategory
from motcua.org.choices import STAFF_ROLES, Role
from motcua.org.selectors import staff_agency_ids, user_roles


def is_office_reviewer(user) -> bool:
    return bool(staff_agency_ids(user, roles=frozenset({Role.OFFICE_REVIEWER})))


def actor_capacities(user, petition: Petition | None = None) -> set[str]:
    """What `user` may do in the petition workflow (see `workflow`), for `petition` if given."""
    capacities = {workflow.PUBLIC}
    roles = user_roles(user) if user is not None else set()
    staff_agencies = {agency for role, agency in roles if role in STAFF_ROLES and agency is not None}
    if staff_agencies:
        capacities.add(workflow.OFFICER)
    if any(role == Role.OFFICE_REVIEWER for role, _agency in roles):
        capacities.add(workflow.REVIEWER)
    if petition is not None and petition.agency_id in staff_agencies:
        capacities.add(workflow.ASSIGNED)
    return capacities


def with_overdue(qs: QuerySet[Petition], *, now: dt.datetime | None = None) -> QuerySet[Petition]:
    """Annotate `is_overdue`: still waiting for an answer after its deadline."""
    now = now or timezone.now()
    return qs.annotate(
        is_overdue=Case(
            When(status__in=OPEN_STATUSES, due_at__lt=now, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def petitions_visible_to(user) -> QuerySet[Petition]:
    """The petitions `user` may see: all for an Office reviewer, those routed to their agencies for
    other staff, their own for a signed-in citizen, none for an anonymous visitor."""
    if user is None or not user.is_authenticated:
        return Petition.objects.none()
    roles = user_roles(user)
    if any(role == Role.OFFICE_REVIEWER for role, _agency in roles):
        return Petition.objects.all()
    agencies = {agency for role, agency in roles if role in STAFF_ROLES and agency is not None}
    return Petition.objects.filter(Q(agency_id__in=agencies) | Q(submitter=user))


def petitions_queue(user, *, status: str = "", overdue_only: bool = False) -> QuerySet[Petition]:
    """The staff work list: visible petitions, flagged when overdue, the most urgent first."""
    qs = with_overdue(petitions_visible_to(user)).select_related("category", "agency")
    if status:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.filter(is_overdue=True)
    return qs.order_by("-is_overdue", "due_at", "id")


def petitions_public(
    *,
    q: str = "",
    category: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Petition]:
    """Published answers, newest first. `q` matches every word against the folded code, subject,
    content, answer and category, whatever the diacritics or Unicode form; `category` is a category
    code; the dates bound the local day the petition was received."""
    qs = Petition.objects.filter(status=PetitionStatus.PUBLISHED, is_public=True)
    for term in search_terms(q):
        qs = qs.filter(search_text__contains=term)
    if category:
        qs = qs.filter(category__code=category)
    if date_from:
        qs = qs.filter(received_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(received_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs.select_related("category", "agency").order_by("-published_at", "-id")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def petition_public_detail(*, code: str) -> Petition:
    """A published petition and its answer, for the public page and API."""
    petition = petitions_public().filter(code=code).first()
    if petition is None:
        raise NotFound(
            _("No published petition has the code %(code)s.") % {"code": code}, code="petition_not_found"
        )
    return petition


def petition_status(*, code: str) -> Petition:
    """Any petition by its tracking code, for the public status lookup (pages show only its status and
    dates, never its content or contact data)."""
    petition = Petition.objects.select_related("category").filter(code=code.strip().upper()).first()
    if petition is None:
        raise NotFound(_("No petition has the code %(code)s.") % {"code": code}, code="petition_not_found")
    return petition


def petitions_open311() -> QuerySet[Petition]:
    """What Open311 GET requests may show: petitions whose submitters agreed to publication."""
    return Petition.objects.filter(is_public=True).select_related("category", "agency")


def categories_active() -> QuerySet[PetitionCategory]:
    """Categories citizens may choose, in display order."""
    return PetitionCategory.objects.filter(is_active=True).order_by("position", "name")


def petition_history(petition: Petition):
    """The events of `petition`, oldest first (the caller has already checked it may see it)."""
    return petition.events.order_by("created_at", "id")


def petitions_of_submitter(user) -> QuerySet[Petition]:
    """The petitions `user` sent while signed in, newest first: theirs to read in full, answers included,
    published or not (issue 9 item 12)."""
    if not user.is_authenticated:
        return Petition.objects.none()
    return (
        Petition.objects.filter(submitter=user)
        .select_related("category", "agency")
        .order_by("-received_at", "-id")
    )


def petition_for_submitter(user, *, code: str) -> Petition:
    """One of `user`'s own petitions; NotFound for any other (no hint whether it exists)."""
    petition = petitions_of_submitter(user).filter(code=code.strip().upper()).first()
    if petition is None:
        raise NotFound(_("No petition has the code %(code)s.") % {"code": code}, code="petition_not_found")
    return petition


def petition_private(*, code: str, phone_last4: str) -> Petition:
    """A petition with its (possibly unpublished) answer, for whoever holds its code and the last 4 digits
    of the phone it was sent with: the person who asked, signed in or not. A wrong code and a wrong phone
    give the same NotFound."""
    import hmac
    import re

    not_found = NotFound(_("No petition matches this code and phone number."), code="petition_not_found")
    if not re.fullmatch(r"\d{4}", phone_last4 or ""):
        raise not_found
    petition = (
        Petition.objects.select_related("category", "agency")
        .filter(code=(code or "").strip().upper())
        .first()
    )
    digits = re.sub(r"\D", "", petition.submitter_phone) if petition else ""
    if petition is None or len(digits) < 4 or not hmac.compare_digest(digits[-4:], phone_last4):
        raise not_found
    return petition
