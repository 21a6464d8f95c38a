"""Writes for people and tokens: API tokens, citizen registration and verification codes, password
reset by phone, the applicant profile and the confirmed change of its e-mail address or phone number."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
import logging
import math
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.core import ratelimit
from motcua.core.errors import Conflict, InvalidInput, NotAuthenticated
from motcua.core.localcache import LocalCache
from motcua.core.sms import send_sms
from motcua.org import selectors
from motcua.org.choices import Role
from motcua.org.models import (
    ApiToken,
    Membership,
    TokenRevocation,
    User,
    VerificationChannel,
    VerificationCode,
    VerificationPurpose,
)
from motcua.org.phones import international_phone, normalize_phone

logger = logging.getLogger("motcua.org")


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, username: str, password: str) -> str:
    """Check the credentials and return a new bearer token (shown once; only its digest is kept)."""
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        raise NotAuthenticated(_("Wrong username or password."), code="invalid_credentials")
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        digest=token_digest(raw),
        expires_at=timezone.now() + timedelta(days=settings.MOTCUA_API_TOKEN_DAYS),
        password_mark=user.get_session_auth_hash(),
    )
    return raw


def api_token_revoke(*, user: User, token_id: int, by_admin: bool = False) -> bool:
    """Revoke one token of `user` (its holder, or an administrator acting on it). True when it was live;
    a token of someone else is not found, so revoking tells nothing about other people's tokens."""
    reason = TokenRevocation.BY_ADMIN if by_admin else TokenRevocation.BY_USER
    done = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )
    token_cache.changed()  # a queryset update sends no signal
    return bool(done)


def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every live token of `user` (`reason`: a TokenRevocation): on a password change or reset, a
    deactivation, or "sign out everywhere". Returns how many were live."""
    done = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )
    token_cache.changed()
    return done


@dataclass
class _TokenEntry:
    token_id: int
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    user: User
    roles: tuple[tuple[str, int | None], ...]


# Every API request presents its token. The token's user and roles are kept in the process
# (motcua.core.localcache) and dropped in every process as soon as a token, a user or a membership is saved
# or deleted (apps.py); the short expiry bounds how long a change can go unseen where the cache is per
# process (no REDIS_URL).
token_cache = LocalCache("org:tokens", ttl=10)


def api_token_user(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None when unknown, expired or revoked. The user carries
    `cached_roles`, their (role, agency id) pairs as of authentication, so the request needs no query for them."""
    now = timezone.now()
    digest = token_digest(raw)
    entry = token_cache.get(digest, partial(_load_token, digest))
    if entry is None or entry.expires_at <= now:
        return None
    # Record use at most once a minute: a write per request would cost more than it tells.
    if entry.last_used_at is None or now - entry.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=entry.token_id).update(last_used_at=now)
        entry.last_used_at = now
    user = copy.copy(entry.user)  # each request its own instance: nothing a request sets leaks into another
    user.cached_roles = entry.roles
    return user


def _load_token(digest: str) -> _TokenEntry | None:
    token = ApiToken.objects.select_related("user").filter(digest=digest).first()
    if token is None:
        return None
    reason = selectors.token_dead_reason(token)
    if reason:
        if token.revoked_at is None:  # record it, so the lists show it and it never comes back
            ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now(), revoked_reason=reason
            )
        return None
    roles = tuple(Membership.objects.filter(user_id=token.user_id).values_list("role", "agency_id"))
    return _TokenEntry(
        token_id=token.pk,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        user=token.user,
        roles=roles,
    )


# --- citizen accounts: registration, verification codes, password reset, profile ----------------------

CODE_TTL = timedelta(minutes=10)
_CODE_DIGEST_SALT = "motcua.org.VerificationCode"


def _code_digest(user_id: int, purpose: str, code: str) -> str:
    # Keyed by SECRET_KEY: a 6-digit code's plain hash would fall to a million guesses if the table leaked.
    return salted_hmac(_CODE_DIGEST_SALT, f"{user_id}:{purpose}:{code}", algorithm="sha256").hexdigest()


def _code_message(purpose: str) -> tuple[str, str]:
    """The e-mail subject and the text (with %(code)s and %(minutes)d) of a code sent for `purpose`."""
    if purpose == VerificationPurpose.RESET_PASSWORD:
        return _("Your password reset code"), _(
            "Your motcua password reset code is %(code)s. It expires in %(minutes)d minutes."
        )
    if purpose == VerificationPurpose.CHANGE_EMAIL:
        return _("Confirm your new e-mail address"), _(
            "Your motcua code to confirm this e-mail address is %(code)s. It expires in %(minutes)d minutes."
        )
    if purpose == VerificationPurpose.CHANGE_PHONE:
        return "", _(
            "Your motcua code to confirm this phone number is %(code)s. It expires in %(minutes)d minutes."
        )
    return _("Your verification code"), _(
        "Your motcua verification code is %(code)s. It expires in %(minutes)d minutes."
    )


def _deliver_code(*, channel: str, destination: str, purpose: str, code: str) -> None:
    """Send the code now (after commit): it must not wait in a task queue, where it would sit in clear."""
    subject, text = _code_message(purpose)
    text %= {"code": code, "minutes": int(CODE_TTL.total_seconds() // 60)}
    try:
        if channel == VerificationChannel.SMS:
            send_sms(international_phone(destination), text)
        else:
            send_mail(
                subject,
                text + "\n\n" + _("If you did not ask for it, ignore this message."),
                None,
                [destination],
            )
    except Exception:  # a gateway outage must not turn the page into a 500; the person can ask again
        logger.exception("Could not send a verification code by %s", channel)


def verification_code_send(
    *, user: User, purpose: str, channel: str | None = None, destination: str | None = None
) -> str:
    """Issue a new 6-digit code for `user` and `purpose` (replacing any earlier one) and send it by
    e-mail or SMS (e-mail when the account has one, unless `channel` says otherwise) to the account's
    address, or to `destination` when the code is to prove a new one. Returns the channel.
    At most a few sends per account in ten minutes (RateLimited)."""
    if channel is None:
        channel = VerificationChannel.EMAIL if user.email else VerificationChannel.SMS
    if destination is None:
        destination = user.email if channel == VerificationChannel.EMAIL else user.phone
    if not destination:
        raise InvalidInput(_("This account has no address to send a code to."), code="no_destination")
    ratelimit.hit("code_send", f"{user.pk}")
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    with transaction.atomic():
        VerificationCode.objects.filter(user=user, purpose=purpose, consumed_at__isnull=True).update(
            consumed_at=now
        )
        VerificationCode.objects.create(
            user=user,
            purpose=purpose,
            channel=channel,
            destination=destination,
            digest=_code_digest(user.pk, purpose, code),
            expires_at=now + CODE_TTL,
        )
        transaction.on_commit(
            partial(_deliver_code, channel=channel, destination=destination, purpose=purpose, code=code)
        )
    return channel


def _code_check(*, user: User | None, purpose: str, code: str, key: str) -> VerificationCode:
    """Consume and return `user`'s live code for `purpose` if `code` matches; InvalidInput otherwise. A
    wrong account and a wrong code look the same. The failed try is recorded even though the call fails."""
    ratelimit.hit("code_check", f"{purpose}:{key}")
    wrong = InvalidInput(_("The code is wrong or has expired."), code="code_invalid")
    if user is None or not re.fullmatch(r"\d{6}", code or ""):
        raise wrong
    now = timezone.now()
    with transaction.atomic():
        live = (
            VerificationCode.objects.select_for_update()
            .filter(user=user, purpose=purpose, consumed_at__isnull=True)
            .first()
        )
        if live is None or live.expires_at <= now:
            raise InvalidInput(_("The code has expired. Ask for a new one."), code="code_expired")
        if hmac.compare_digest(live.digest, _code_digest(user.pk, purpose, code)):
            live.consumed_at = now
            live.save(update_fields=["consumed_at", "updated_at"])
            return live
        live.attempts += 1
        exhausted = live.attempts >= VerificationCode.MAX_ATTEMPTS
        if exhausted:
            live.consumed_at = now
        live.save(update_fields=["attempts", "consumed_at", "updated_at"])
    if exhausted:
        raise InvalidInput(_("Too many wrong codes. Ask for a new one."), code="code_attempts_exceeded")
    raise wrong


def _clear_abandoned_registrations(*, email: str, phone: str) -> None:
    """An address held by an account that was never verified (inactive, never signed in, no role) is
    free again: whoever registered it could not prove it was theirs."""
    holders = Q()
    if email:
        holders |= Q(email__iexact=email)
    if phone:
        holders |= Q(phone=phone)
    if holders:
        User.objects.filter(
            holders, is_active=False, last_login__isnull=True, memberships__isnull=True
        ).delete()


@transaction.atomic
def citizen_register(
    *, full_name: str, email: str, phone: str, password: str, personal_identifier: str = ""
) -> tuple[User, str]:
    """Create an inactive citizen account signed in by e-mail or phone (its username is the e-mail if
    given, else the phone) and send it a verification code. Returns the account and the channel used.
    The caller has validated the fields; an address already held by a verified account is refused."""
    email = User.objects.normalize_email(email.strip()).lower() if email else ""
    phone = normalize_phone(phone) if phone else ""
    if not email and not phone:
        raise InvalidInput(_("Enter an e-mail address or a phone number."), code="no_contact")
    _clear_abandoned_registrations(email=email, phone=phone)
    if email and User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        raise Conflict(_("An account with this e-mail address already exists."), code="email_taken")
    if phone and User.objects.filter(Q(phone=phone) | Q(username=phone)).exists():
        raise Conflict(_("An account with this phone number already exists."), code="phone_taken")
    user = User(
        username=email or phone,
        email=email,
        phone=phone,
        full_name=full_name.strip(),
        personal_identifier=personal_identifier,
        is_active=False,
    )
    user.set_password(password)
    user.save()
    channel = verification_code_send(user=user, purpose=VerificationPurpose.ACTIVATE)
    return user, channel


def account_verify(*, identifier: str, code: str) -> User:
    """Activate the account registered with `identifier` (e-mail or phone) when `code` is its live
    verification code, and give it the citizen role. InvalidInput on a wrong or expired code."""
    user = selectors.user_by_identifier(identifier, active=False)
    key = str(user.pk) if user else identifier.strip().lower()
    # Not one transaction with the check: a wrong try must stay counted when this call fails.
    _code_check(user=user, purpose=VerificationPurpose.ACTIVATE, code=code, key=key)
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        Membership.objects.get_or_create(user=user, agency=None, defaults={"role": Role.CITIZEN})
    ratelimit.reset("code_send", f"{user.pk}")
    return user


def password_reset_code_send(*, phone: str) -> None:
    """Text a password reset code to the active account holding `phone`. Says nothing either way
    (no hint whether the number has an account); an unknown number costs the same rate-limit allowance."""
    try:
        phone = normalize_phone(phone)
    except ValidationError:
        return
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:
        ratelimit.hit("code_send", f"phone:{phone}")
        return
    verification_code_send(
        user=user, purpose=VerificationPurpose.RESET_PASSWORD, channel=VerificationChannel.SMS
    )


def password_reset_by_code(*, phone: str, code: str, new_password: str) -> User:
    """Set a new password for the account holding `phone` when `code` is its live reset code."""
    try:
        phone = normalize_phone(phone)
    except ValidationError:
        phone = ""
    user = User.objects.filter(phone=phone, is_active=True).first() if phone else None
    _code_check(user=user, purpose=VerificationPurpose.RESET_PASSWORD, code=code, key=phone or "-")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        api_tokens_revoke_all(user=user, reason=TokenRevocation.PASSWORD_CHANGED)
    return user


# --- the profile and its address changes ------------------------------------------------------------

# A new code for a pending address change may be asked this long after the previous one.
CONTACT_RESEND_AFTER = timedelta(seconds=60)

_CHANGE_CHANNELS = {
    VerificationPurpose.CHANGE_EMAIL: VerificationChannel.EMAIL,
    VerificationPurpose.CHANGE_PHONE: VerificationChannel.SMS,
}


@dataclass(frozen=True)
class ProfileSaved:
    """What `profile_update` did: the account as saved, the address changes this save asked for (each
    waiting for its code) and, among them, those whose code just went out (the others had one already)."""

    user: User
    awaiting: tuple[str, ...] = ()  # VerificationPurpose.CHANGE_EMAIL and/or CHANGE_PHONE
    codes_sent: tuple[str, ...] = ()


def _ensure_address_free(*, user: User, email: str = "", phone: str = "") -> None:
    """Conflict when another account holds `email` or `phone`, as its address or as its username. A
    registration never verified does not count: it did not prove the address was its."""
    abandoned = User.objects.filter(is_active=False, last_login__isnull=True, memberships__isnull=True)
    others = User.objects.exclude(pk=user.pk).exclude(pk__in=abandoned.values("pk"))
    if email and others.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        raise Conflict(_("An account with this e-mail address already exists."), code="email_taken")
    if phone and others.filter(Q(phone=phone) | Q(username=phone)).exists():
        raise Conflict(_("An account with this phone number already exists."), code="phone_taken")


def _follow_username(user: User, *, old_email: str, old_phone: str) -> None:
    """A citizen's username is the address they registered with (citizen_register). When that address
    leaves the account, the username moves to the account's address of the same kind (else the other
    one), so an address the account gave up signs nobody in."""
    username = user.username.lower()
    if old_email and username == old_email.lower() and username != user.email.lower():
        user.username = user.email or user.phone or user.username
    elif old_phone and username == old_phone and username != user.phone:
        user.username = user.phone or user.email or user.username


def _save_contact(user: User, fields: list[str]) -> None:
    # The checks above read before this write: a concurrent registration of the same address ends here,
    # on the unique constraints, and must read as the same refusal, not as an error page.
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError as error:
        raise Conflict(_("Another account already uses this address."), code="address_taken") from error


def _masked(address: str) -> str:
    """Enough of an address for its owner to recognise it: 'h***@example.vn', '*******678'."""
    if "@" in address:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return "*" * (len(address) - 3) + address[-3:]


def _send_contact_notice(*, to: str, purpose: str, new_address: str, changed_at: dt.datetime) -> None:
    """Tell the account's previous e-mail address that its e-mail or phone changed, so a person whose
    session was taken over notices. No code and no link: nothing in it is worth stealing."""
    values = {
        "when": timezone.localtime(changed_at).strftime("%H:%M %d/%m/%Y"),
        "address": _masked(new_address),
    }
    if purpose == VerificationPurpose.CHANGE_EMAIL:
        what = (
            _("On %(when)s the e-mail address of your motcua account was changed to %(address)s.")
            if new_address
            else _("On %(when)s the e-mail address was removed from your motcua account.")
        )
    else:
        what = (
            _("On %(when)s the phone number of your motcua account was changed to %(address)s.")
            if new_address
            else _("On %(when)s the phone number was removed from your motcua account.")
        )
    body = (
        what % values
        + "\n\n"
        + _("If you did not make this change, reset your password at once and tell the one-stop desk.")
    )
    try:
        send_mail(_("The contact details of your account were changed"), body, None, [to])
    except Exception:  # the change is made; a mail outage must not turn the page into a 500
        logger.exception("Could not send a contact change notice")


def _notify_contact_change(*, to: str, purpose: str, new_address: str) -> None:
    if to:
        transaction.on_commit(
            partial(
                _send_contact_notice,
                to=to,
                purpose=purpose,
                new_address=new_address,
                changed_at=timezone.now(),
            )
        )


def _send_change_code(*, user: User, purpose: str, address: str) -> None:
    # Besides the account's own allowance, one address gets only a few codes, whichever accounts ask.
    ratelimit.hit("code_send", f"to:{address}")
    verification_code_send(user=user, purpose=purpose, channel=_CHANGE_CHANNELS[purpose], destination=address)


def _change_purpose(purpose: str) -> str:
    if purpose not in _CHANGE_CHANNELS:
        raise InvalidInput(_("No change is waiting for a code."), code="no_pending_change")
    return purpose


@transaction.atomic
def profile_update(
    *, user: User, full_name: str, personal_identifier: str, phone: str, email: str, address: str
) -> ProfileSaved:
    """Save the applicant data a citizen keeps on their account (it pre-fills their new dossiers).

    Name, identifier and address apply at once, and so does removing the e-mail or the phone (the
    previous e-mail address is told). A new e-mail or phone does not: it waits as a pending change and
    a code goes to it (`contact_change_confirm` applies it), so sign-in, password reset and notices keep
    the verified address until then. The address already waiting, asked again, gets no new code while
    its code is valid. An address held by another account is refused, and a citizen keeps at least
    one verified address; nothing is saved when the call fails.

    The identifier saved here is the person's own statement: it pre-fills their filings but links no
    dossier to the account (only a verified one does), now or later. Once VNeID verified the identity,
    name and identifier are the provider's and a change to them is refused (InvalidInput `identity_locked`)."""
    if user.identity_verified and (
        full_name.strip() != user.full_name or personal_identifier != user.personal_identifier
    ):
        # Vouched for by the identity provider: a hand edit would make the profile say what VNeID did not.
        raise InvalidInput(
            _("Your name and personal identifier come from VNeID and cannot be changed here."),
            code="identity_locked",
        )
    email = User.objects.normalize_email(email.strip()).lower() if email else ""
    phone = normalize_phone(phone) if phone else ""
    new_email = email if email and email != user.email.lower() else ""
    new_phone = phone if phone and phone != user.phone else ""
    _ensure_address_free(user=user, email=new_email, phone=new_phone)
    kept_email = user.email if email else ""
    kept_phone = user.phone if phone else ""
    if not (kept_email or kept_phone) and user.memberships.filter(role=Role.CITIZEN).exists():
        if new_email or new_phone:
            raise InvalidInput(
                _("Confirm the new address before you remove the one you sign in with."), code="no_contact"
            )
        raise InvalidInput(_("Keep an e-mail address or a phone number to sign in with."), code="no_contact")
    old_email, old_phone = user.email, user.phone
    user.full_name = full_name.strip()
    user.personal_identifier = personal_identifier
    user.address = address.strip()
    user.email, user.phone = kept_email, kept_phone
    _follow_username(user, old_email=old_email, old_phone=old_phone)
    _save_contact(user, ["full_name", "personal_identifier", "phone", "email", "address", "username"])
    if old_email and not kept_email:
        _notify_contact_change(to=old_email, purpose=VerificationPurpose.CHANGE_EMAIL, new_address="")
    if old_phone and not kept_phone:
        _notify_contact_change(to=old_email, purpose=VerificationPurpose.CHANGE_PHONE, new_address="")
    awaiting, codes_sent = [], []
    for purpose, new_address in (
        (VerificationPurpose.CHANGE_EMAIL, new_email),
        (VerificationPurpose.CHANGE_PHONE, new_phone),
    ):
        if not new_address:
            continue
        awaiting.append(purpose)
        waiting = selectors.contact_change_pending(user, purpose)
        if not (waiting and waiting.destination == new_address and not waiting.has_expired):
            _send_change_code(user=user, purpose=purpose, address=new_address)
            codes_sent.append(purpose)
    return ProfileSaved(user=user, awaiting=tuple(awaiting), codes_sent=tuple(codes_sent))


def contact_change_confirm(*, user: User, purpose: str, code: str) -> User:
    """Apply `user`'s pending change `purpose` (CHANGE_EMAIL or CHANGE_PHONE) when `code` is the one sent
    to the new address: it becomes the account's e-mail or phone (and its username where that was the
    old address), a password reset code sent before stops working, and the previous e-mail address, if
    any, is told. InvalidInput on a wrong, expired or exhausted code or when no change waits; Conflict
    when another account took the address since it was asked for (the change is then dropped)."""
    if selectors.contact_change_pending(user, _change_purpose(purpose)) is None:
        raise InvalidInput(_("No change is waiting for a code."), code="no_pending_change")
    # Not one transaction with the rest: a wrong try must stay counted when this call fails.
    proven = _code_check(user=user, purpose=purpose, code=code, key=str(user.pk))
    is_email = purpose == VerificationPurpose.CHANGE_EMAIL
    email, phone = (proven.destination, "") if is_email else ("", proven.destination)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        # Someone may have registered the address since it was asked for.
        _clear_abandoned_registrations(email=email, phone=phone)
        _ensure_address_free(user=user, email=email, phone=phone)
        old_email, old_phone = user.email, user.phone
        if is_email:
            user.email = email
        else:
            user.phone = phone
        _follow_username(user, old_email=old_email, old_phone=old_phone)
        _save_contact(user, ["email", "phone", "username"])
        VerificationCode.objects.filter(
            user=user, purpose=VerificationPurpose.RESET_PASSWORD, consumed_at__isnull=True
        ).update(consumed_at=timezone.now())
        _notify_contact_change(to=old_email, purpose=purpose, new_address=proven.destination)
    return user


def contact_change_resend(*, user: User, purpose: str) -> str:
    """Send a new code to the address waiting in `user`'s pending change `purpose`, once the last code is
    CONTACT_RESEND_AFTER old and within the code-send limits (RateLimited otherwise). The address is
    checked again. Returns it."""
    waiting = selectors.contact_change_pending(user, _change_purpose(purpose))
    if waiting is None:
        raise InvalidInput(_("No change is waiting for a code."), code="no_pending_change")
    wait = math.ceil((waiting.created_at + CONTACT_RESEND_AFTER - timezone.now()).total_seconds())
    if wait > 0:
        raise ratelimit.RateLimited(
            ngettext(
                "You can ask for a new code in %(seconds)d second.",
                "You can ask for a new code in %(seconds)d seconds.",
                wait,
            )
            % {"seconds": wait},
            details={"retry_after": wait},
        )
    is_email = purpose == VerificationPurpose.CHANGE_EMAIL
    _ensure_address_free(
        user=user,
        email=waiting.destination if is_email else "",
        phone="" if is_email else waiting.destination,
    )
    _send_change_code(user=user, purpose=purpose, address=waiting.destination)
    return waiting.destination


def contact_change_cancel(*, user: User, purpose: str) -> bool:
    """Drop `user`'s pending change `purpose`: its code stops working and the account keeps its address.
    False when no change was waiting."""
    waiting = VerificationCode.objects.filter(
        user=user, purpose=_change_purpose(purpose), consumed_at__isnull=True
    )
    return waiting.update(consumed_at=timezone.now()) > 0
