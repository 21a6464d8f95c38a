"""Writes of online filing: drafts, their files, submission, and the applicant's supplement.

Every service is keyword-only and transactional. Files are checked (`motcua.core.uploads.check_upload`)
before anything is written; a refused file leaves no row and no stored file, and a stored file whose
transaction fails is deleted again. The dossier itself is created and moved only by
`motcua.dossiers.services` (`dossier_submit`, `dossier_act`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.choices import OnlineService
from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import Conflict, InvalidInput, NotFound
from motcua.core.text import nfc
from motcua.core.uploads import DOCUMENTS, check_upload
from motcua.dossiers.choices import DossierAction, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_for
from motcua.dossiers.services import ApplicantData, dossier_act, dossier_submit
from motcua.filing.choices import DraftStatus
from motcua.filing.models import Attachment, Draft
from motcua.filing.selectors import supplement_request
from motcua.org.models import Agency, User

# Applicant fields of the form (Form 01) and their longest accepted length.
APPLICANT_FIELDS: dict[str, int] = {
    "name": 200,
    "identifier": 20,
    "phone": 20,
    "email": 254,
    "address": 300,
    "authorised_person": 200,
}
MAX_NOTE = 2000
# Per dossier (all files, all rounds); files one by one are limited by MAX_UPLOAD_BYTES.
MAX_TOTAL_BYTES = settings.FILING_MAX_TOTAL_BYTES
MAX_FILES = settings.FILING_MAX_FILES


@dataclass(frozen=True)
class FileIn:
    """One uploaded file for a required document (`position`, or None for another document)."""

    upload: UploadedFile
    position: int | None = None
    sent_name: str | None = None  # the name as the client sent it, when known


# --- helpers ------------------------------------------------------------------------------------------


def applicant_defaults(user: User) -> dict[str, str]:
    """The applicant data a new draft starts with: the profile's (org.selectors.applicant_defaults when
    the accounts work provides it), else what the user row holds."""
    from motcua.org import selectors as org_selectors

    provider = getattr(org_selectors, "applicant_defaults", None)
    if provider is not None:
        # Keyed like a dossier's fields ("applicant_name", …); plain keys accepted too.
        data = {key.removeprefix("applicant_"): value for key, value in (provider(user) or {}).items()}
    else:
        data = {
            "name": user.full_name or user.get_full_name(),
            "identifier": user.personal_identifier,
            "phone": user.phone,
            "email": user.email,
        }
    return {key: str(data.get(key) or "") for key in APPLICANT_FIELDS}


def _clean_applicant(data: dict) -> dict[str, str]:
    cleaned = {}
    for key, limit in APPLICANT_FIELDS.items():
        value = data.get(key) or ""
        if not isinstance(value, str):
            raise InvalidInput(_("The applicant's data must be text."), code="invalid_input")
        value = nfc(value.strip())
        if len(value) > limit:
            raise InvalidInput(
                _("%(field)s is too long (at most %(limit)s characters).") % {"field": key, "limit": limit},
                code="invalid_input",
            )
        cleaned[key] = value
    return cleaned


def _clean_note(note: str) -> str:
    note = nfc((note or "").strip())
    if len(note) > MAX_NOTE:
        raise InvalidInput(_("The note is too long."), code="invalid_input")
    return note


def _locked_draft(owner: User, draft_id: int) -> Draft:
    """The owner's draft, locked for the transaction; NotFound for anyone else's."""
    draft = (
        Draft.objects.select_for_update()
        .select_related("procedure_version__procedure")
        .filter(pk=draft_id, owner=owner)
        .first()
    )
    if draft is None:
        raise NotFound(_("Draft not found."), code="draft_not_found")
    return draft


def _editable(draft: Draft) -> None:
    if draft.status != DraftStatus.DRAFT:
        raise Conflict(_("This application has already been submitted."), code="draft_submitted")


def _document_names(version: ProcedureVersion) -> dict[int, str]:
    return {d.position: d.name for d in version.documents.all()}


def _check_files(files: list[FileIn], *, documents: dict[int, str], used_bytes: int, used_files: int) -> list:
    """Check every file before anything is stored; the first problem refuses the whole batch."""
    checked = []
    total = used_bytes
    for item in files:
        if item.position is not None and item.position not in documents:
            raise InvalidInput(_("This procedure has no such required document."), code="invalid_document")
        upload = check_upload(item.upload, kinds=DOCUMENTS, sent_name=item.sent_name)
        total += upload.size
        if total > MAX_TOTAL_BYTES:
            raise InvalidInput(
                _("All files of one dossier may take at most %(limit)s together.")
                % {"limit": filesizeformat(MAX_TOTAL_BYTES)},
                code="upload_total_too_large",
            )
        checked.append((item, upload))
    if used_files + len(checked) > MAX_FILES:
        raise InvalidInput(
            _("A dossier may hold at most %(count)s files.") % {"count": MAX_FILES}, code="upload_too_many"
        )
    return checked


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _store(
    checked: list, *, owner: User, documents: dict[int, str], stored: list[str], **links
) -> list[Attachment]:
    """Store the checked files and their rows; `stored` collects the storage names so the caller can
    delete them when the transaction fails."""
    rows = []
    for item, upload in checked:
        row = Attachment(
            owner=owner,
            document_position=item.position,
            document_name=documents.get(item.position, "") if item.position is not None else "",
            name=upload.name,
            size=upload.size,
            content_type=upload.content_type,
            sha256=_sha256(upload.file),
            **links,
        )
        row.file.save(upload.storage_name, upload.file, save=False)
        stored.append(row.file.name)
        row.save()
        rows.append(row)
    return rows


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def _lock_verified(owner: User, data: dict[str, str]) -> dict[str, str]:
    """A verified account files under the identity VNeID vouched for, whatever the form sent."""
    from motcua.org.selectors import verified_applicant

    return {**data, **verified_applicant(owner)}


def _applicant_data(draft: Draft) -> ApplicantData:
    data = _lock_verified(draft.owner, _clean_applicant(draft.applicant))
    return ApplicantData(**data)


# --- drafts -------------------------------------------------------------------------------------------


def draft_create(*, owner: User, procedure_version: ProcedureVersion) -> Draft:
    """Start an online application for `procedure_version`, pre-filled from the owner's profile, or
    return the owner's open draft for it (one open draft per procedure, so any device resumes it).

    InvalidInput `not_online` when the procedure cannot be filed online.
    """
    if procedure_version.online_service == OnlineService.NONE or not procedure_version.is_current:
        raise InvalidInput(_("This procedure cannot be filed online."), code="not_online")
    existing = Draft.objects.filter(
        owner=owner, procedure_version=procedure_version, status=DraftStatus.DRAFT
    ).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        draft, _created = Draft.objects.get_or_create(
            owner=owner,
            procedure_version=procedure_version,
            status=DraftStatus.DRAFT,
            defaults={"applicant": applicant_defaults(owner)},
        )
    return draft


def _refused_files(files: Sequence[FileIn], documents: dict[int, str]) -> list[dict]:
    """Each file that its own checks refuse, as {position, name, message}: all are named at once."""
    refused = []
    for item in files:
        try:
            _check_files([item], documents=documents, used_bytes=0, used_files=0)
        except InvalidInput as exc:
            refused.append({"position": item.position, "name": item.upload.name, "message": exc.message})
    return refused


def draft_save(
    *,
    actor: User,
    draft_id: int,
    version: int,
    applicant: dict,
    note: str = "",
    competent_agency: Agency | None = None,
    files: Sequence[FileIn] = (),
) -> Draft:
    """Save the draft's fields as the owner typed them (incomplete data is fine in a draft) and the files
    chosen with them, in one transaction: all of it, or nothing.

    Conflict `stale_draft` when the draft was saved elsewhere since `version` (another device or tab):
    nothing is overwritten; Conflict `draft_submitted` once it is submitted. InvalidInput
    `files_refused` when a file is refused (its `details` name each one, with the reason) or the files
    together pass the dossier's limits: then neither the fields nor any file are stored.
    """
    data = _lock_verified(actor, _clean_applicant(applicant))
    note = _clean_note(note)
    stored: list[str] = []
    try:
        with transaction.atomic():
            draft = _save_fields(actor, draft_id, version, data, note, competent_agency)
            if files:
                documents = _document_names(draft.procedure_version)
                if refused := _refused_files(files, documents):
                    raise InvalidInput(
                        _("Some files were refused; nothing was saved."),
                        code="files_refused",
                        details=refused,
                    )
                checked = _check_files(
                    list(files),
                    documents=documents,
                    used_bytes=draft.attachments.aggregate(total=Sum("size"))["total"] or 0,
                    used_files=draft.attachments.count(),
                )
                _store(checked, owner=actor, documents=documents, stored=stored, draft=draft)
    except Exception:
        _delete_files(stored)
        raise
    draft.refresh_from_db()
    return draft


def _save_fields(
    actor: User, draft_id: int, version: int, data: dict, note: str, competent_agency: Agency | None
) -> Draft:
    """The draft's fields, checked against the revision the owner saw (inside the caller's transaction)."""
    draft = _locked_draft(actor, draft_id)
    _editable(draft)
    if draft.version != version:
        raise Conflict(
            _(
                "This draft was saved from another page or device meanwhile. "
                "The latest version is shown; check it and save again."
            ),
            code="stale_draft",
        )
    updated = Draft.objects.filter(pk=draft.pk, version=version, status=DraftStatus.DRAFT).update(
        applicant=data,
        answers={**draft.answers, "note": note},
        competent_agency=competent_agency if draft.procedure_version.competent_agency_id is None else None,
        version=version + 1,
        updated_at=timezone.now(),
    )
    if updated != 1:  # pragma: no cover - the row is locked; kept for databases without row locks
        raise Conflict(_("This draft changed meanwhile; reload it."), code="stale_draft")
    return draft


def attachment_add(
    *, actor: User, draft_id: int, upload: UploadedFile, position: int | None, sent_name: str | None = None
) -> Attachment:
    """Add one file to the owner's draft for required document `position` (None: another document).

    The file is checked for size, type by content and name, and against the dossier's total size;
    on any problem InvalidInput (codes `upload_*`) and nothing is stored.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            draft = _locked_draft(actor, draft_id)
            _editable(draft)
            documents = _document_names(draft.procedure_version)
            checked = _check_files(
                [FileIn(upload, position, sent_name)],
                documents=documents,
                used_bytes=draft.attachments.aggregate(total=Sum("size"))["total"] or 0,
                used_files=draft.attachments.count(),
            )
            (row,) = _store(checked, owner=actor, documents=documents, stored=stored, draft=draft)
            Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
    except Exception:
        _delete_files(stored)
        raise
    return row


def attachment_remove(*, actor: User, attachment_id: int) -> None:
    """Remove a file from the owner's draft (not from a submitted dossier); the file is deleted after commit."""
    with transaction.atomic():
        row = (
            Attachment.objects.select_for_update()
            .select_related("draft")
            .filter(pk=attachment_id, owner=actor, draft__isnull=False, dossier__isnull=True)
            .first()
        )
        if row is None:
            raise NotFound(_("File not found."), code="attachment_not_found")
        _locked_draft(actor, row.draft_id)
        _editable(row.draft)
        name = row.file.name
        row.delete()
        transaction.on_commit(partial(_delete_files, [name]))


def missing_documents(draft: Draft) -> list[str]:
    """Names of the required (not optional) documents the draft has no file for yet."""
    present = set(draft.attachments.values_list("document_position", flat=True))
    return [
        d.name
        for d in draft.procedure_version.documents.all()
        if not d.is_optional and d.position not in present
    ]


def draft_submit(*, actor: User, draft_id: int, version: int) -> Dossier:
    """File the owner's draft: it becomes a dossier in status `submitted`, with its code, and the
    draft's files become the dossier's.

    Submitting twice (a double click, a retried request) returns the same dossier: the draft row is
    locked, and the dossier's idempotency key is derived from the draft. InvalidInput
    `documents_missing` (the names in `details`), `applicant_required`, `phone_required`,
    `agency_required`; Conflict `stale_draft` when the page shown was not the latest save.
    """
    with transaction.atomic():
        draft = _locked_draft(actor, draft_id)
        if draft.status == DraftStatus.SUBMITTED:
            return draft.dossier
        if draft.version != version:
            raise Conflict(
                _("This draft was changed from another page or device meanwhile. Check it and submit again."),
                code="stale_draft",
            )
        applicant = _applicant_data(draft)
        if not applicant.name:
            raise InvalidInput(_("The applicant's name is required."), code="applicant_required")
        if not applicant.phone:
            raise InvalidInput(
                _("A phone number is required: it lets you track the dossier and the desk reach you."),
                code="phone_required",
            )
        version_obj = draft.procedure_version
        competent = version_obj.competent_agency or draft.competent_agency
        if competent is None:
            raise InvalidInput(_("Choose the agency that decides this procedure."), code="agency_required")
        missing = missing_documents(draft)
        if missing:
            raise InvalidInput(
                _("Attach the required documents first: %(names)s.") % {"names": "; ".join(missing)},
                code="documents_missing",
                details={"documents": missing},
            )
        dossier = dossier_submit(
            actor=actor,
            procedure_version=version_obj,
            applicant=applicant,
            competent_agency=competent,
            idempotency_key=f"filing-draft-{draft.pk}",
        )
        now = timezone.now()
        Draft.objects.filter(pk=draft.pk).update(
            status=DraftStatus.SUBMITTED,
            dossier=dossier,
            submitted_at=now,
            version=draft.version + 1,
            updated_at=now,
        )
        draft.attachments.update(dossier=dossier)
    return dossier


# --- the applicant's supplement -------------------------------------------------------------------------


def dossier_supplement_submit(
    *, actor: User, dossier_code: str, version: int, files: list[FileIn], note: str = ""
) -> Dossier:
    """The applicant answers a supplement request on the same dossier (same code): the new files are
    stored as the next round, then the dossier moves on (`supplement` after the agency's request,
    `submit` again after the desk's request to complete it).

    NotFound unless `actor` is the dossier's applicant; Conflict when nothing is asked now or the
    dossier changed since `version`; InvalidInput for a bad file (nothing stored) or an empty answer.
    """
    note = _clean_note(note)
    if not files and not note:
        raise InvalidInput(
            _("Attach the documents asked for, or explain in the note."), code="supplement_empty"
        )
    stored: list[str] = []
    try:
        with transaction.atomic():
            dossier = dossier_for(actor, dossier_code)
            if dossier.applicant_user_id != actor.pk:
                raise NotFound(_("Dossier not found."), code="dossier_not_found")
            if dossier.version != version:
                raise Conflict(
                    _("The dossier changed meanwhile. Reload the page and try again."), code="stale_version"
                )
            if supplement_request(dossier) is None:
                raise Conflict(_("Nothing is being asked for this dossier now."), code="no_supplement_asked")
            action = (
                DossierAction.SUBMIT
                if dossier.status == DossierStatus.NEEDS_COMPLETION
                else DossierAction.SUPPLEMENT
            )
            documents = _document_names(dossier.procedure_version)
            existing = Attachment.objects.filter(dossier=dossier)
            checked = _check_files(
                files,
                documents=documents,
                used_bytes=existing.aggregate(total=Sum("size"))["total"] or 0,
                used_files=existing.count(),
            )
            round_number = (existing.aggregate(last=Max("supplement_round"))["last"] or 0) + 1
            _store(
                checked,
                owner=actor,
                documents=documents,
                stored=stored,
                dossier=dossier,
                supplement_round=round_number,
            )
            payload = {"note": note} if note else {}
            dossier = dossier_act(
                dossier_code=dossier.code, action=action, actor=actor, version=version, **payload
            )
    except Exception:
        _delete_files(stored)
        raise
    return dossier
