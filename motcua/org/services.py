"""Writes for people and tokens: API tokens, citizen registration and verification codes, password
reset by phone, the applicant profile."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from motcua.core import ratelimit
from motcua.core.errors import Conflict, InvalidInput, NotAuthenticated
from motcua.core.localcache import LocalCache
from motcua.core.sms import send_sms
from motcua.org import selectors
from motcua.org.choices import Role
from motcua.org.models import (
    ApiToken,
    Membership,
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
    )
    return raw


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
    """The active user a bearer token belongs to, or None when unknown or expired. The user carries
    `cached_roles`, their (role, agency id) pairs as of authentication, so the request needs no query for them."""
    now = timezone.now()
    entry = token_cache.get(token_digest(raw), partial(_load_token, token_digest(raw)))
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
    token = ApiToken.objects.select_related("user").filter(digest=digest, user__is_active=True).first()
    if token is None:
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


def _deliver_code(*, channel: str, destination: str, purpose: str, code: str) -> None:
    """Send the code now (after commit): it must not wait in a task queue, where it would sit in clear."""
    minutes = int(CODE_TTL.total_seconds() // 60)
    if purpose == VerificationPurpose.ACTIVATE:
        text = _("Your motcua verification code is %(code)s. It expires in %(minutes)d minutes.")
    else:
        text = _("Your motcua password reset code is %(code)s. It expires in %(minutes)d minutes.")
    text %= {"code": code, "minutes": minutes}
    try:
        if channel == VerificationChannel.SMS:
            send_sms(international_phone(destination), text)
        else:
            subject = (
                _("Your verification code")
                if purpose == VerificationPurpose.ACTIVATE
                else _("Your password reset code")
            )
            send_mail(
                subject,
                text + "\n\n" + _("If you did not ask for it, ignore this message."),
                None,
                [destination],
            )
    except Exception:  # a gateway outage must not turn the page into a 500; the person can ask again
        logger.exception("Could not send a verification code by %s", channel)


def verification_code_send(*, user: User, purpose: str, channel: str | None = None) -> str:
    """Issue a new 6-digit code for `user` and `purpose` (replacing any earlier one) and send it by
    e-mail or SMS (e-mail when the account has one, unless `channel` says otherwise). Returns the channel.
    At most a few sends per account in ten minutes (RateLimited)."""
    if channel is None:
        channel = VerificationChannel.EMAIL if user.email else VerificationChannel.SMS
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


def _code_check(*, user: User | None, purpose: str, code: str, key: str) -> None:
    """Consume `user`'s live code for `purpose` if `code` matches; InvalidInput otherwise. A wrong
    account and a wrong code look the same. The failed try is recorded even though the call fails."""
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
            return
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
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def profile_update(
    *, user: User, full_name: str, personal_identifier: str, phone: str, email: str, address: str
) -> User:
    """Save the applicant data a citizen keeps on their account (it pre-fills their new dossiers).
    An e-mail or phone already held by another account is refused."""
    email = User.objects.normalize_email(email.strip()).lower() if email else ""
    phone = normalize_phone(phone) if phone else ""
    others = User.objects.exclude(pk=user.pk)
    if email and others.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        raise Conflict(_("An account with this e-mail address already exists."), code="email_taken")
    if phone and others.filter(Q(phone=phone) | Q(username=phone)).exists():
        raise Conflict(_("An account with this phone number already exists."), code="phone_taken")
    if not (email or phone) and user.memberships.filter(role=Role.CITIZEN).exists():
        raise InvalidInput(_("Keep an e-mail address or a phone number to sign in with."), code="no_contact")
    user.full_name = full_name.strip()
    user.personal_identifier = personal_identifier
    user.phone = phone
    user.email = email
    user.address = address.strip()
    user.save(update_fields=["full_name", "personal_identifier", "phone", "email", "address"])
    return user
