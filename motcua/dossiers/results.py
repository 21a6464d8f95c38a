"""The electronic result (kết quả điện tử): the PDF an agency attaches to a dossier.

An officer attaches it when marking the result ready, or afterwards (action `attach_result`) until the
result goes back; attaching again replaces it. The file is checked before anything is written (PDF by its
content, at most MOTCUA_RESULT_MAX_BYTES, a plain name), stored in the private storage under a random
name, and recorded by the workflow service in the event that attaches it (name, size, SHA-256). A refused
file, or an action the workflow refuses, leaves nothing behind: no row, no stored file, no event.

Who may download it is `selectors.result_file_for`: staff who may see the dossier, and its applicant once
the result was returned online.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from motcua.core.uploads import check_upload
from motcua.dossiers.choices import DossierAction
from motcua.dossiers.models import Dossier, ResultFile
from motcua.dossiers.services import ResultFileIn, dossier_act
from motcua.org.models import User

RESULT_KINDS = frozenset({"pdf"})


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def result_attach(
    *,
    actor: User,
    dossier_code: str,
    version: int,
    upload: UploadedFile,
    sent_name: str | None = None,
    mark_ready: bool = False,
    note: str = "",
) -> Dossier:
    """Attach `upload` as the electronic result of the dossier seen at `version`: with `mark_ready`, in the
    same event as marking the result ready (`mark_result_ready`), else by `attach_result`.

    Raises InvalidInput (`upload_empty`, `upload_too_large`, `upload_bad_name`, `upload_bad_type`) for a
    file that is not an acceptable PDF, and whatever `services.dossier_act` raises (NotFound, Conflict
    `stale_version` and the workflow's codes, PermissionDenied); then nothing is stored.
    """
    checked = check_upload(
        upload, kinds=RESULT_KINDS, sent_name=sent_name, max_bytes=settings.MOTCUA_RESULT_MAX_BYTES
    )
    result = ResultFileIn(upload=checked, sha256=_sha256(upload))
    action = DossierAction.MARK_RESULT_READY if mark_ready else DossierAction.ATTACH_RESULT
    payload = {"note": note} if note else {}
    try:
        return dossier_act(
            dossier_code=dossier_code,
            action=action,
            actor=actor,
            version=version,
            result_file=result,
            **payload,
        )
    except BaseException:
        for name in result.stored:
            ResultFile._meta.get_field("file").storage.delete(name)
        raise
