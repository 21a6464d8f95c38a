"""Reads for publication decisions and for comparing procedure versions.

Signed and effective decisions are public; drafts are seen by their drafting department, by the
Office reviewers once submitted for review, and by the Chairman once accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import (
    PUBLIC_PUBLICATION_STATUSES,
    ProcedureVersion,
    ProcessStep,
    PublicationDecision,
    PublicationItem,
    PublicationStatus,
    ReviewComment,
)
from motcua.catalog.publication_workflow import (
    ATTACH_FILE,
    COMMENT,
    EDIT_ITEMS,
    RESOLVE_COMMENT,
    Actor,
    allowed_actions,
    may,
)
from motcua.core.errors import NotFound
from motcua.org.choices import Role
from motcua.org.models import User
from motcua.org.selectors import user_roles

DRAFTING_ROLES = frozenset({Role.SPECIALIST, Role.LEADER})
S = PublicationStatus
REVIEWER_SEES = frozenset(S) - {S.DRAFT}
CHAIRMAN_SEES = frozenset({S.ACCEPTED, S.SUBMITTED, S.SIGNED, S.EFFECTIVE})


def publication_actors(user: User, decision: PublicationDecision) -> frozenset[Actor]:
    """Who `user` is for `decision`: its drafter, an Office reviewer, the Chairman (or several)."""
    actors = set()
    for role, agency_id in user_roles(user):
        if role in DRAFTING_ROLES and agency_id == decision.drafting_agency_id:
            actors.add(Actor.DRAFTER)
        elif role == Role.OFFICE_REVIEWER:
            actors.add(Actor.REVIEWER)
        elif role == Role.CHAIRMAN:
            actors.add(Actor.CHAIRMAN)
    return frozenset(actors)


def _with_items(qs: QuerySet[PublicationDecision]) -> QuerySet[PublicationDecision]:
    return qs.select_related("drafting_agency", "signer").prefetch_related(
        Prefetch(
            "items",
            queryset=PublicationItem.objects.select_related(
                "previous_version",
                "applied_version",
                "previous_version__procedure",
                "applied_version__procedure",
            ).order_by("position"),
        )
    )


def publication_decisions_public() -> QuerySet[PublicationDecision]:
    """Signed and effective decisions with their items, the latest signature first."""
    return _with_items(PublicationDecision.objects.filter(status__in=PUBLIC_PUBLICATION_STATUSES)).order_by(
        "-signed_on", "-id"
    )


def publication_decision_public(*, pk: int) -> PublicationDecision:
    """One signed or effective decision; `NotFound` for any other."""
    decision = publication_decisions_public().filter(pk=pk).first()
    if decision is None:
        raise NotFound(_("No published decision has this number."), code="publication_not_found")
    return decision


def publication_decisions_visible_to(user: User) -> QuerySet[PublicationDecision]:
    """The decisions `user` may open as staff: their departments' own, and those that reached their desk."""
    condition = Q(status__in=PUBLIC_PUBLICATION_STATUSES)
    roles = user_roles(user)
    drafting = {agency_id for role, agency_id in roles if role in DRAFTING_ROLES}
    if drafting:
        condition |= Q(drafting_agency_id__in=drafting)
    if any(role == Role.OFFICE_REVIEWER for role, _agency in roles):
        condition |= Q(status__in=REVIEWER_SEES)
    if any(role == Role.CHAIRMAN for role, _agency in roles):
        condition |= Q(status__in=CHAIRMAN_SEES)
    return (
        PublicationDecision.objects.filter(condition)
        .select_related("drafting_agency")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-updated_at", "-id")
    )


def publication_work_queue(user: User) -> QuerySet[PublicationDecision]:
    """The decisions waiting for `user` to act: drafts and returned ones for the drafter, those under review
    or accepted for the Office reviewer, those submitted for the Chairman."""
    roles = user_roles(user)
    condition = Q(pk__in=[])
    drafting = {agency_id for role, agency_id in roles if role in DRAFTING_ROLES}
    if drafting:
        condition |= Q(drafting_agency_id__in=drafting, status__in=[S.DRAFT, S.RETURNED])
    if any(role == Role.OFFICE_REVIEWER for role, _agency in roles):
        condition |= Q(status__in=[S.UNDER_REVIEW, S.ACCEPTED])
    if any(role == Role.CHAIRMAN for role, _agency in roles):
        condition |= Q(status=S.SUBMITTED)
    return publication_decisions_visible_to(user).filter(condition)


def publication_decision_for(user: User, *, pk: int) -> PublicationDecision:
    """One decision `user` may see, with items, comments and history; `NotFound` otherwise (even if it
    exists: a draft of another department is not acknowledged)."""
    decision = (
        _with_items(publication_decisions_visible_to(user))
        .prefetch_related(
            Prefetch(
                "comments", queryset=ReviewComment.objects.select_related("author", "item", "resolved_by")
            ),
            "events__actor",
        )
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise NotFound(_("No decision you may see has this number."), code="publication_not_found")
    return decision


@dataclass(frozen=True)
class Permissions:
    """What a user may do on a decision now: the transitions, and whether they may edit, comment, resolve."""

    actions: list[str]
    edit_items: bool
    comment: bool
    resolve: bool
    attach_file: bool = False


def publication_permissions(user: User, decision: PublicationDecision) -> Permissions:
    """What `user` may do on `decision` in its current status."""
    actors = publication_actors(user, decision)
    return Permissions(
        actions=allowed_actions(decision.status, actors),
        edit_items=may(EDIT_ITEMS, decision.status, actors),
        comment=may(COMMENT, decision.status, actors),
        resolve=may(RESOLVE_COMMENT, decision.status, actors),
        attach_file=may(ATTACH_FILE, decision.status, actors),
    )


# --- comparing two versions ------------------------------------------------------------------------------------


def procedure_versions(*, code: str) -> QuerySet[ProcedureVersion]:
    """Every version of the procedure `code`, oldest first; `NotFound` if there is none."""
    qs = (
        ProcedureVersion.objects.filter(procedure__code=code)
        .select_related("procedure", "field", "competent_agency")
        .prefetch_related(
            "levels",
            "documents",
            "fees",
            Prefetch("steps", queryset=ProcessStep.objects.select_related("agency")),
        )
        .order_by("number")
    )
    if not qs.exists():
        raise NotFound(_("No procedure has the code %(code)s.") % {"code": code}, code="procedure_not_found")
    return qs


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class ListDiff:
    """A component list (documents, fees, steps) compared by name: rows added, removed and changed."""

    label: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # (name, old details, new details)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class VersionDiff:
    old: ProcedureVersion
    new: ProcedureVersion
    fields: list[FieldChange]
    lists: list[ListDiff]

    @property
    def changed_fields(self) -> list[FieldChange]:
        return [f for f in self.fields if f.changed]

    @property
    def has_changes(self) -> bool:
        return bool(self.changed_fields) or any(d.has_changes for d in self.lists)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


_FIELDS: list[tuple[Any, Any]] = [
    (gettext_lazy("Name"), lambda v: v.name),
    (gettext_lazy("Field"), lambda v: v.field.name),
    (gettext_lazy("Levels"), lambda v: ", ".join(sorted(level.name for level in v.levels.all()))),
    (gettext_lazy("Competent agency"), lambda v: v.competent_agency.name if v.competent_agency else "—"),
    (
        gettext_lazy("Time limit"),
        lambda v: v.time_limit_label,
    ),
    (gettext_lazy("Time limit as published"), lambda v: v.time_limit_text),
    (gettext_lazy("Applicants"), lambda v: v.applicants),
    (gettext_lazy("Requirements and conditions"), lambda v: v.requirements),
    (gettext_lazy("Result"), lambda v: v.result),
    (gettext_lazy("Legal basis"), lambda v: v.legal_basis),
    (gettext_lazy("Online service"), lambda v: str(v.get_online_service_display())),
    (gettext_lazy("Filed at a desk"), lambda v: _yes_no(v.accepts_desk)),
    (gettext_lazy("Filed by post"), lambda v: _yes_no(v.accepts_post)),
    (gettext_lazy("Boundary-free"), lambda v: _yes_no(v.boundary_free)),
    (gettext_lazy("Clock on supplement"), lambda v: str(v.get_supplement_policy_display())),
]


def _compare(label: str, old: dict[str, str], new: dict[str, str]) -> ListDiff:
    return ListDiff(
        label=label,
        added=[name for name in new if name not in old],
        removed=[name for name in old if name not in new],
        changed=[(name, old[name], new[name]) for name in new if name in old and old[name] != new[name]],
    )


def _documents(version: ProcedureVersion) -> dict[str, str]:
    return {
        d.name: f"{d.get_form_display()} × {d.count}" + (f" ({_('optional')})" if d.is_optional else "")
        for d in sorted(version.documents.all(), key=lambda d: d.position)
    }


def _fees(version: ProcedureVersion) -> dict[str, str]:
    return {
        f.description: f"{f.amount:,.0f} VND".replace(",", ".") + (f" — {f.note}" if f.note else "")
        for f in sorted(version.fees.all(), key=lambda f: f.position)
    }


def _steps(version: ProcedureVersion) -> dict[str, str]:
    return {
        s.name: f"{s.get_role_display()}"
        + (f" — {s.agency.name}" if s.agency else "")
        + f", {s.duration_label}"
        for s in sorted(version.steps.all(), key=lambda s: s.position)
    }


def procedure_version_diff(
    *, code: str, from_number: int | None = None, to_number: int | None = None
) -> VersionDiff:
    """Compare two versions of `code` field by field and list by list. By default the current (or latest)
    version against the one before it. `NotFound` for an unknown code or version number."""
    versions = {v.number: v for v in procedure_versions(code=code)}
    if to_number is None:
        current = [n for n, v in versions.items() if v.is_current]
        to_number = current[0] if current else max(versions)
    if from_number is None:
        earlier = [n for n in versions if n < to_number]
        from_number = max(earlier) if earlier else to_number
    missing = [n for n in (from_number, to_number) if n not in versions]
    if missing:
        raise NotFound(
            _("The procedure %(code)s has no version %(number)d.") % {"code": code, "number": missing[0]},
            code="version_not_found",
        )
    old, new = versions[from_number], versions[to_number]
    return VersionDiff(
        old=old,
        new=new,
        fields=[FieldChange(str(label), get(old), get(new)) for label, get in _FIELDS],
        lists=[
            _compare(_("Required documents"), _documents(old), _documents(new)),
            _compare(_("Fees and charges"), _fees(old), _fees(new)),
            _compare(_("Internal process"), _steps(old), _steps(new)),
        ],
    )
