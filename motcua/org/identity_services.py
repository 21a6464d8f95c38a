"""Writes that make an account follow its verified identity (sign-in with VNeID; issue 12, item 2).

Never two accounts for one person, never a link on an unverified identifier: an account is found by the
provider's subject, else by the verified identifier (personal identifier or tax code); a citizen signed in
with their password links their own account; otherwise a new account is made. A local account that holds
the provider's e-mail or phone (both proven by a code) is the same person's: they are asked to sign in to
it once with its password to link it, or to continue without it.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict
from motcua.org.choices import STAFF_ROLES, IdentitySource, Role
from motcua.org.models import Membership, User
from motcua.org.phones import normalize_phone
from motcua.org.vneid import VerifiedIdentity


class LinkNeeded(Exception):
    """A local account holds this person's e-mail or phone: they sign in to it once to link it."""

    def __init__(self, account: User):
        super().__init__(account.pk)
        self.account = account


def _is_staff(user: User) -> bool:
    return Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists() or user.is_superuser


def _staff_refused() -> Conflict:
    # Officials sign in with their username, password and second factor, never through a citizen's identity.
    return Conflict(
        _("This is an official's account: sign in with your username and password."),
        code="vneid_staff_account",
    )


def _contact(identity: VerifiedIdentity) -> tuple[str, str]:
    email = User.objects.normalize_email(identity.email).lower() if "@" in identity.email else ""
    try:
        phone = normalize_phone(identity.phone) if identity.phone else ""
    except ValidationError:
        phone = ""
    return email, phone


def _apply(user: User, identity: VerifiedIdentity) -> None:
    """Write what the provider vouched for; contact data stays the person's own."""
    user.identity_source = IdentitySource.VNEID
    user.identity_verified_at = timezone.now()
    user.identity_subject = identity.subject
    user.full_name = identity.name
    if identity.is_organisation:
        user.tax_code = identity.tax_code
        user.representative_name = identity.representative_name
    else:
        user.personal_identifier = identity.identifier
        user.birth_date = identity.birth_date
    if not user.address and identity.address:
        user.address = identity.address


_FIELDS = [
    "identity_source",
    "identity_verified_at",
    "identity_subject",
    "full_name",
    "tax_code",
    "representative_name",
    "personal_identifier",
    "birth_date",
    "address",
    "last_login",
]


def _verified_holder(identity: VerifiedIdentity) -> User | None:
    match = (
        Q(tax_code=identity.tax_code)
        if identity.is_organisation
        else Q(personal_identifier=identity.identifier)
    )
    return User.objects.select_for_update().filter(match, identity_verified_at__isnull=False).first()


def _save(user: User) -> User:
    try:
        with transaction.atomic():
            user.save(update_fields=_FIELDS)
    except IntegrityError as error:  # a concurrent first sign-in of the same person won the unique index
        raise Conflict(_("Sign-in was interrupted; try again."), code="vneid_retry") from error
    return user


@transaction.atomic
def vneid_sign_in(
    *, identity: VerifiedIdentity, signed_in: User | None = None, new_account: bool = False
) -> User:
    """The account `identity` signs in to, made or linked as needed (see the module's docstring).

    `signed_in`: the citizen already signed in with their password, who links VNeID to their account.
    `new_account`: the person chose not to link the local account holding their e-mail or phone.
    Raises LinkNeeded, or Conflict for an official's account or an account verified as someone else."""
    account = User.objects.select_for_update().filter(identity_subject=identity.subject).first()
    account = account or _verified_holder(identity)
    if account is not None:
        if signed_in is not None and signed_in.is_authenticated and signed_in.pk != account.pk:
            raise Conflict(
                _("This identity is already linked to another account."), code="vneid_linked_elsewhere"
            )
        if not account.is_active or _is_staff(account):
            raise _staff_refused()
        if account.identity_subject and account.identity_subject != identity.subject:
            raise Conflict(
                _("This identity is already linked to another account."), code="vneid_linked_elsewhere"
            )
        _apply(account, identity)
        account.last_login = timezone.now()
        return _save(account)

    if signed_in is not None and signed_in.is_authenticated:
        user = User.objects.select_for_update().get(pk=signed_in.pk)
        if _is_staff(user):
            raise _staff_refused()
        if user.identity_verified:
            raise Conflict(_("Your account is verified as another person."), code="vneid_other_identity")
        _apply(user, identity)
        user.last_login = timezone.now()
        Membership.objects.get_or_create(user=user, agency=None, defaults={"role": Role.CITIZEN})
        return _save(user)

    email, phone = _contact(identity)
    holders = Q()
    if email:
        holders |= Q(email__iexact=email) | Q(username__iexact=email)
    if phone:
        holders |= Q(phone=phone) | Q(username=phone)
    holder = User.objects.filter(holders, is_active=True).first() if holders else None
    if holder is not None and not new_account:
        if _is_staff(holder):
            holder = None  # an official's work address is no reason to link a citizen identity to it
        else:
            raise LinkNeeded(holder)
    if holder is not None:  # the person chose a new account: it cannot take the other account's address
        email = "" if email and (holder.email.lower() == email or holder.username.lower() == email) else email
        phone = "" if phone and (holder.phone == phone or holder.username == phone) else phone
    base = f"vneid-{identity.tax_code or identity.identifier}"
    username = base if not User.objects.filter(username=base).exists() else f"{base}-{secrets.token_hex(3)}"
    user = User(username=username, email=email, phone=phone, is_active=True)
    user.set_unusable_password()  # signs in only through VNeID
    _apply(user, identity)
    user.last_login = timezone.now()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise Conflict(_("Sign-in was interrupted; try again."), code="vneid_retry") from error
    Membership.objects.create(user=user, agency=None, role=Role.CITIZEN)
    return user
