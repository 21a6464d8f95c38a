"""Writes on petitions (PAKN). Each service: keyword-only, one transaction, one event.

Only these functions change `Petition.status`; they ask `workflow.guard` first and update the row
only if its `version` is still the one read, so two officers acting at once cannot both win.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, InvalidInput, NotFound
from motcua.core.text import fold, nfc
from motcua.core.uploads import PDF_AND_IMAGES, CheckedUpload, check_upload
from motcua.feedback import workflow
from motcua.feedback.choices import PetitionAction as A
from motcua.feedback.choices import PetitionChannel
from motcua.feedback.codes import allocate_code
from motcua.feedback.models import Open311Client, Petition, PetitionCategory, PetitionEvent
from motcua.feedback.notifications import queue_notification
from motcua.feedback.selectors import actor_capacities, petitions_visible_to
from motcua.org.models import Agency, User
from motcua.workdays.selectors import due_after

ANSWER_DAYS = 10  # default time to answer, in working days
MAX_SUBJECT = 255
MAX_CONTENT = 10_000


# --- helpers ------------------------------------------------------------------------------------------


def _clean(text: str | None, *, field: str, required: bool, max_length: int) -> str:
    value = nfc((text or "").strip())
    if required and not value:
        raise InvalidInput(
            _("%(field)s is required.") % {"field": field}, code="required", details={"field": field}
        )
    if len(value) > max_length:
        raise InvalidInput(
            _("%(field)s is too long (at most %(max)d characters).") % {"field": field, "max": max_length},
            code="too_long",
            details={"field": field},
        )
    return value


def _search_text(petition: Petition) -> str:
    parts = [petition.code, petition.subject, petition.content, petition.answer, petition.category.name]
    return fold(" ".join(p for p in parts if p))


def _actor_name(actor: User | None) -> str:
    if actor is None or not actor.is_authenticated:
        return ""
    return actor.full_name or actor.get_username()


def _event(
    petition: Petition, *, action: str, from_status: str, actor: User | None, note: str = "", actor_name=None
):
    PetitionEvent.objects.create(
        petition=petition,
        action=action,
        from_status=from_status,
        to_status=petition.status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor_name if actor_name is not None else _actor_name(actor),
        note=note,
    )


def _load(actor: User, code: str) -> Petition:
    petition = petitions_visible_to(actor).select_related("category", "agency").filter(code=code).first()
    if petition is None:
        raise NotFound(_("No petition has the code %(code)s.") % {"code": code}, code="petition_not_found")
    return petition


def _transition(
    *, actor: User, code: str, action: str, expected_version: int | None, note: str = "", **changes
) -> Petition:
    """Check the table, the actor and the version; apply `changes` with the new status; log one event."""
    petition = _load(actor, code)
    target = workflow.guard(petition.status, action, actor_capacities(actor, petition))
    if expected_version is not None and expected_version != petition.version:
        raise Conflict(
            _("Someone else changed this petition meanwhile; reload and try again."), code="stale_version"
        )
    from_status = petition.status
    now = timezone.now()
    updated = Petition.objects.filter(pk=petition.pk, version=petition.version).update(
        status=target, version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        raise Conflict(
            _("Someone else changed this petition meanwhile; reload and try again."), code="stale_version"
        )
    petition.refresh_from_db()
    if {"answer", "category", "category_id"} & set(changes):
        petition.search_text = _search_text(petition)
        Petition.objects.filter(pk=petition.pk).update(search_text=petition.search_text)
    _event(petition, action=action, from_status=from_status, actor=actor, note=note)
    queue_notification(petition, action)
    return petition


def _create(
    *,
    action: str,
    capacities: set[str],
    category: PetitionCategory,
    subject: str,
    content: str,
    channel: str,
    submitter_name: str,
    submitter_phone: str,
    submitter_email: str,
    submitter_address: str,
    is_public: bool,
    attachment: UploadedFile | None,
    user: User | None,
    actor: User | None,
    attachment_sent_name: str | None = None,
    actor_name: str | None = None,
    contact_required: bool = True,
    **extra,
) -> Petition:
    workflow.guard(workflow.NEW, action, capacities)
    if category is None or not category.is_active:
        raise InvalidInput(
            _("Choose a petition category."), code="invalid_category", details={"field": "category"}
        )
    name = _clean(submitter_name, field=_("Name"), required=contact_required, max_length=150)
    phone = _clean(submitter_phone, field=_("Phone"), required=False, max_length=30)
    email = _clean(submitter_email, field=_("E-mail"), required=False, max_length=254)
    if contact_required and not (phone or email):
        raise InvalidInput(
            _("Give a phone number or an e-mail address so we can answer you."), code="contact_required"
        )
    checked: CheckedUpload | None = (
        check_upload(attachment, kinds=PDF_AND_IMAGES, sent_name=attachment_sent_name) if attachment else None
    )
    now = timezone.now()
    petition = Petition(
        category=category,
        subject=_clean(subject, field=_("Subject"), required=True, max_length=MAX_SUBJECT),
        content=_clean(content, field=_("Content"), required=True, max_length=MAX_CONTENT),
        channel=channel,
        submitter=user if user is not None and user.is_authenticated else None,
        submitter_name=name,
        submitter_phone=phone,
        submitter_email=email,
        submitter_address=_clean(submitter_address, field=_("Address"), required=False, max_length=255),
        is_public=bool(is_public),
        received_at=now,
        due_at=due_after(now, days=ANSWER_DAYS),
        recorded_by=actor if action == A.RECORD else None,
        **extra,
    )
    try:
        petition.full_clean(
            exclude=["code", "due_at", "received_at", "search_text", "attachment", "submitter_name"]
        )
    except ValidationError as exc:
        fields = sorted(exc.message_dict) if hasattr(exc, "error_dict") else []
        messages = [str(m) for m in exc.messages]
        raise InvalidInput(" ".join(messages), code="invalid_input", details={"fields": fields}) from exc
    stored_name = ""
    try:
        with transaction.atomic():
            petition.code = allocate_code(now)
            if checked is not None:
                petition.attachment.save(checked.storage_name, checked.file, save=False)
                stored_name = petition.attachment.name
                petition.attachment_name = checked.name
            petition.search_text = _search_text(petition)
            petition.save()
            if actor_name is None:  # a submission's actor is the submitter, signed in or not
                actor_name = _actor_name(actor) or name
            _event(petition, action=action, from_status=workflow.NEW, actor=actor, actor_name=actor_name)
            queue_notification(petition, action)
    except Exception:
        if stored_name:
            petition.attachment.storage.delete(stored_name)
        raise
    return petition


# --- services -----------------------------------------------------------------------------------------


def petition_submit(
    *,
    category: PetitionCategory,
    subject: str,
    content: str,
    submitter_name: str,
    submitter_phone: str = "",
    submitter_email: str = "",
    submitter_address: str = "",
    is_public: bool = False,
    attachment: UploadedFile | None = None,
    attachment_sent_name: str | None = None,
    channel: str = PetitionChannel.PORTAL,
    user: User | None = None,
) -> Petition:
    """A citizen or business submits a petition on the portal or through the API. Returns it with its
    tracking code and a provisional deadline of ANSWER_DAYS working days. `attachment_sent_name` is the
    attachment's file name as the client sent it, when known (see `motcua.core.uploads.check_upload`)."""
    if channel not in (PetitionChannel.PORTAL, PetitionChannel.API):
        raise InvalidInput(_("Unknown channel."), code="invalid_channel")
    return _create(
        action=A.SUBMIT,
        capacities={workflow.PUBLIC},
        category=category,
        subject=subject,
        content=content,
        channel=channel,
        submitter_name=submitter_name,
        submitter_phone=submitter_phone,
        submitter_email=submitter_email,
        submitter_address=submitter_address,
        is_public=is_public,
        attachment=attachment,
        attachment_sent_name=attachment_sent_name,
        user=user,
        actor=user,
    )


def petition_record(
    *,
    actor: User,
    channel: str,
    category: PetitionCategory,
    subject: str,
    content: str,
    submitter_name: str,
    submitter_phone: str = "",
    submitter_email: str = "",
    submitter_address: str = "",
    is_public: bool = False,
    attachment: UploadedFile | None = None,
) -> Petition:
    """An officer records a petition received by phone or at a desk."""
    if channel not in (PetitionChannel.PHONE, PetitionChannel.DESK):
        raise InvalidInput(
            _("An officer records petitions received by phone or at a desk."), code="invalid_channel"
        )
    return _create(
        action=A.RECORD,
        capacities=actor_capacities(actor),
        category=category,
        subject=subject,
        content=content,
        channel=channel,
        submitter_name=submitter_name,
        submitter_phone=submitter_phone,
        submitter_email=submitter_email,
        submitter_address=submitter_address,
        is_public=is_public,
        attachment=attachment,
        user=None,
        actor=actor,
    )


def petition_submit_open311(
    *,
    client: Open311Client,
    category: PetitionCategory,
    description: str,
    latitude: float | None = None,
    longitude: float | None = None,
    address_string: str = "",
    address_id: str = "",
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    media_url: str = "",
) -> Petition:
    """An Open311 client files a service request (GeoReport v2 POST requests). The client publishes
    requests itself, so the petition counts as public; the answer is still published by the Office."""
    description = _clean(description, field="description", required=True, max_length=MAX_CONTENT)
    subject = description.splitlines()[0][:120]
    return _create(
        action=A.SUBMIT,
        capacities={workflow.PUBLIC},
        category=category,
        subject=subject,
        content=description,
        channel=PetitionChannel.OPEN311,
        submitter_name=" ".join(p for p in (first_name.strip(), last_name.strip()) if p),
        submitter_phone=phone,
        submitter_email=email,
        submitter_address="",
        is_public=True,
        attachment=None,
        user=None,
        actor=None,
        actor_name=client.name,
        contact_required=False,
        open311_client=client,
        latitude=latitude,
        longitude=longitude,
        location_address=_clean(address_string, field="address_string", required=False, max_length=255),
        location_address_id=_clean(address_id, field="address_id", required=False, max_length=100),
        media_url=media_url.strip(),
    )


@transaction.atomic
def petition_classify(
    *, actor: User, code: str, category: PetitionCategory, note: str = "", expected_version: int | None = None
) -> Petition:
    """The Office reviewer confirms or corrects the category (regulation, conduct, …)."""
    if category is None or not category.is_active:
        raise InvalidInput(_("Choose a petition category."), code="invalid_category")
    return _transition(
        actor=actor,
        code=code,
        action=A.CLASSIFY,
        expected_version=expected_version,
        note=note,
        category=category,
    )


@transaction.atomic
def petition_assign(
    *,
    actor: User,
    code: str,
    agency: Agency,
    due_at: dt.datetime | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Petition:
    """The Office reviewer routes the petition to the competent agency with a deadline (by default
    ANSWER_DAYS working days from now)."""
    if agency is None or not agency.is_active:
        raise InvalidInput(_("Choose an active agency."), code="invalid_agency")
    now = timezone.now()
    due_at = due_at or due_after(now, days=ANSWER_DAYS)
    if due_at <= now:
        raise InvalidInput(_("The deadline must be in the future."), code="invalid_deadline")
    return _transition(
        actor=actor,
        code=code,
        action=A.ASSIGN,
        expected_version=expected_version,
        note=note or agency.name,
        agency=agency,
        assigned_at=now,
        due_at=due_at,
    )


@transaction.atomic
def petition_answer(*, actor: User, code: str, answer: str, expected_version: int | None = None) -> Petition:
    """Staff of the assigned agency answer the petition."""
    text = _clean(answer, field=_("Answer"), required=True, max_length=MAX_CONTENT)
    return _transition(
        actor=actor,
        code=code,
        action=A.ANSWER,
        expected_version=expected_version,
        answer=text,
        answered_by=actor,
        answered_at=timezone.now(),
    )


@transaction.atomic
def petition_publish(*, actor: User, code: str, expected_version: int | None = None) -> Petition:
    """The Office reviewer publishes the answer on the portal; only when the submitter agreed."""
    petition = _load(actor, code)
    if not petition.is_public:
        raise Conflict(_("The submitter did not agree to publication."), code="no_consent")
    return _transition(
        actor=actor,
        code=code,
        action=A.PUBLISH,
        expected_version=expected_version,
        published_at=timezone.now(),
    )


@transaction.atomic
def petition_reject(*, actor: User, code: str, reason: str, expected_version: int | None = None) -> Petition:
    """The Office reviewer closes a petition that is not within scope, with the reason."""
    text = _clean(reason, field=_("Reason"), required=True, max_length=2000)
    return _transition(
        actor=actor,
        code=code,
        action=A.REJECT,
        expected_version=expected_version,
        note=text,
        rejection_reason=text,
    )


# --- Open311 clients -----------------------------------------------------------------------------------


def open311_key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def open311_new_key() -> str:
    """A fresh random api_key."""
    return secrets.token_urlsafe(32)


def open311_client_authenticate(key: str) -> Open311Client | None:
    """The active client holding `key`, or None."""
    if not key:
        return None
    client = Open311Client.objects.filter(key_digest=open311_key_digest(key), is_active=True).first()
    if client is not None:
        Open311Client.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client
