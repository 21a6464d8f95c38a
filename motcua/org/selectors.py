"""Reads for administrative units, agencies, the roles a user holds and a citizen's applicant data."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.localcache import LocalCache
from motcua.org.choices import STAFF_ROLES, AgencyKind, Role
from motcua.org.models import (
    AdministrativeUnit,
    Agency,
    ApiToken,
    Desk,
    Membership,
    TokenRevocation,
    User,
    VerificationCode,
    VerificationPurpose,
)
from motcua.org.phones import looks_like_phone, normalize_phone


def units_list(*, level: str | None = None, parent: str | None = None) -> QuerySet[AdministrativeUnit]:
    """Active administrative units, optionally of one level or under one parent code."""
    qs = AdministrativeUnit.objects.filter(is_active=True).select_related("level", "parent")
    if level:
        qs = qs.filter(level__code=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    return qs.order_by("code")


def agencies_list(*, unit: str | None = None, kind: str | None = None) -> QuerySet[Agency]:
    """Active agencies, optionally of one unit (code) or kind."""
    qs = Agency.objects.filter(is_active=True).select_related("unit")
    if unit:
        qs = qs.filter(unit__code=unit)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name")


def agencies_for(user: User, *, roles: frozenset[str] = STAFF_ROLES) -> QuerySet[Agency]:
    """The agencies in which `user` holds any of `roles` (their staff scope), by name, with their parent."""
    return (
        Agency.objects.filter(pk__in=staff_agency_ids(user, roles=roles))
        .select_related("parent")
        .order_by("name")
    )


def agency_by_identifier(identifier: str | None) -> Agency | None:
    """The agency with this electronic identifier (public reference data), or None."""
    return Agency.objects.filter(identifier=identifier).first() if identifier else None


def agency_by_pk(pk: int | None) -> Agency | None:
    """The agency `pk` (public reference data), or None; what the user may do with it is the service's call."""
    return Agency.objects.filter(pk=pk).first() if pk else None


# Desks and their agencies change rarely and every reception reads one: kept in the process,
# invalidated by their saves and deletes (apps.py), expiring after a minute anyway.
desk_cache = LocalCache("org:desks", ttl=60)


def active_desk(pk: int) -> Desk | None:
    """The active desk `pk` with its agency, or None."""
    # A missing desk is not kept (LocalCache keeps no None): unknown ids cannot fill the memory.
    return desk_cache.get(
        pk, lambda: Desk.objects.select_related("agency").filter(pk=pk, is_active=True).first()
    )


def staff_agency_ids(user: User, *, roles: frozenset[str] = STAFF_ROLES) -> set[int]:
    """Ids of the agencies in which `user` holds any of `roles`: the scope of their staff work."""
    return {agency_id for role, agency_id in user_roles(user) if role in roles and agency_id is not None}


# The Office (Văn phòng UBND, phòng Kiểm soát TTHC) oversees the province: its reviewers and administrators
# watch every agency's dossiers, figures and deadlines (docs/design.md §1). A reviewer role held in any other agency
# gives no province-wide view.
OVERSIGHT_ROLES = frozenset({Role.OFFICE_REVIEWER, Role.ADMINISTRATOR})


def oversees_province(user: User) -> bool:
    """True for superusers and for users holding an oversight role in a People's Committee Office: they
    see every agency's dossiers (the overdue board, search, statistics), read-only beyond their own roles."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    agencies = {a for role, a in user_roles(user) if role in OVERSIGHT_ROLES and a is not None}
    return (
        bool(agencies) and Agency.objects.filter(pk__in=agencies, kind=AgencyKind.COMMITTEE_OFFICE).exists()
    )


def user_roles(user: User) -> set[tuple[str, int | None]]:
    """(role, agency id) pairs held by `user`: every role check reads them here. When the API's token check
    already read them (`cached_roles`, kept with the token), as of authentication, without a query."""
    if not user.is_authenticated:
        return set()
    if (cached := getattr(user, "cached_roles", None)) is not None:
        return set(cached)
    return set(Membership.objects.filter(user=user).values_list("role", "agency_id"))


def user_by_identifier(identifier: str, *, active: bool | None = True) -> User | None:
    """The account an e-mail address, a phone number (any common spelling) or a username names, or None.
    `active` limits to active (True) or inactive (False) accounts; None takes either."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    qs = User.objects.all() if active is None else User.objects.filter(is_active=active)
    if "@" in identifier:
        match = Q(email__iexact=identifier) | Q(username__iexact=identifier)
    elif looks_like_phone(identifier):
        match = Q(phone=normalize_phone(identifier)) | Q(username=identifier)
    else:
        match = Q(username=identifier)
    users = list(qs.filter(match)[:2])
    # Two accounts would only match through a username equal to another's address: refuse to guess.
    return users[0] if len(users) == 1 else None


def account_by_verified_identifier(identifier: str) -> User | None:
    """The active account whose *verified* personal identifier or tax code is `identifier`, or None.

    Only the identity provider (or a desk that checked the papers) verifies one, and the database keeps
    each verified one to a single account; what a person typed on their profile never matches here
    (issue 10, item 1: a self-declared identifier let anyone read and withdraw another's dossier)."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    return (
        User.objects.filter(is_active=True, identity_verified_at__isnull=False)
        .filter(Q(personal_identifier=identifier) | Q(tax_code=identifier))
        .first()
    )


def applicant_defaults(user: User) -> dict[str, str]:
    """The applicant data a signed-in citizen keeps on their account, keyed like a dossier's applicant
    fields, to pre-fill a new dossier. Empty for anonymous visitors; blank fields are left out."""
    if not user.is_authenticated:
        return {}
    values = {
        "applicant_name": user.full_name,
        "applicant_identifier": user.tax_code or user.personal_identifier,
        "applicant_authorised_person": user.representative_name if user.tax_code else "",
        "applicant_phone": user.phone,
        "applicant_email": user.email,
        "applicant_address": user.address,
    }
    return {key: value for key, value in values.items() if value}


def verified_applicant(user: User) -> dict[str, str]:
    """The applicant fields (plain keys: name, identifier, authorised_person) that a verified account files
    with and cannot change by hand: VNeID's name and identifier, or a business's name, tax code and the
    person who signed in for it. Empty for an account whose identity is not verified."""
    if not user.is_authenticated or not user.identity_verified:
        return {}
    if user.tax_code:
        return {
            "name": user.full_name,
            "identifier": user.tax_code,
            "authorised_person": user.representative_name,
        }
    return {"name": user.full_name, "identifier": user.personal_identifier}


CONTACT_CHANGE_PURPOSES = (VerificationPurpose.CHANGE_EMAIL, VerificationPurpose.CHANGE_PHONE)


def contact_changes_pending(user: User) -> list[VerificationCode]:
    """The new e-mail address and phone number `user` asked for on their profile and has not confirmed:
    the live codes of the change purposes (the new address in `destination`), e-mail first. A code past
    its expiry still counts, so the person can ask for a new one; a used, replaced or exhausted one does not."""
    if not user.is_authenticated:
        return []
    codes = VerificationCode.objects.filter(
        user=user, purpose__in=CONTACT_CHANGE_PURPOSES, consumed_at__isnull=True
    )
    return sorted(codes, key=lambda code: CONTACT_CHANGE_PURPOSES.index(code.purpose))


def contact_change_pending(user: User, purpose: str) -> VerificationCode | None:
    """The live code of `user`'s pending change `purpose` (CHANGE_EMAIL or CHANGE_PHONE), or None."""
    return next((code for code in contact_changes_pending(user) if code.purpose == purpose), None)


def token_dead_reason(token: ApiToken) -> str:
    """Why `token` (with its user loaded) no longer works, as a TokenRevocation value; "" when it works
    (expiry aside). A password changed or an account deactivated since issue counts as revoked."""
    if token.revoked_at is not None:
        return token.revoked_reason or TokenRevocation.BY_ADMIN
    if not token.user.is_active:
        return TokenRevocation.DEACTIVATED
    if not token.password_mark or not hmac.compare_digest(
        token.password_mark, token.user.get_session_auth_hash()
    ):
        return TokenRevocation.PASSWORD_CHANGED
    return ""


@dataclass(frozen=True)
class TokenRow:
    """One of a person's API tokens as their profile lists it."""

    token: ApiToken
    dead_reason: str  # a TokenRevocation value, "" while it works

    @property
    def is_live(self) -> bool:
        return not self.dead_reason and self.token.expires_at > timezone.now()

    @property
    def state_label(self) -> str:
        if self.dead_reason:
            return str(TokenRevocation(self.dead_reason).label)
        if self.token.expires_at <= timezone.now():
            return str(_("expired"))
        return str(_("active"))


def api_tokens_of(user: User) -> list[TokenRow]:
    """`user`'s own API tokens, newest first, each with whether it still works and why not."""
    tokens = ApiToken.objects.filter(user=user).select_related("user").order_by("-created_at", "-pk")
    return [TokenRow(token=t, dead_reason=token_dead_reason(t)) for t in tokens[:100]]
