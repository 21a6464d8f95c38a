"""Checks on uploaded files (DESIGN §7): size, type by content, and name.

The declared type and the extension are claims; the first bytes are the evidence. A file is accepted
only when its extension is on the list and its content starts the way that format starts, so an
executable renamed `.pdf` is refused.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)

# extension -> (content type, signatures the content must start with)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
}
# Whatever the name says, these are programs.
_EXECUTABLE = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # a safe file name to show and store
    size: int
    content_type: str  # from the content


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, code="upload_refused")


def check_upload(upload: UploadedFile, *, max_bytes: int | None = None) -> CheckedUpload:
    """Accept `upload` or raise `InvalidInput` (`upload_refused`) saying why."""
    limit = max_bytes or settings.MAX_UPLOAD_BYTES
    if upload.size is None or upload.size == 0:
        raise _refuse(_("The file is empty."))
    if upload.size > limit:
        raise _refuse(_("The file is larger than %(mb).1f MB.") % {"mb": limit / 1024 / 1024})
    base = os.path.basename((upload.name or "").replace("\\", "/"))
    name = get_valid_filename(base)[:200] if base else ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise _refuse(
            _("Files of this type are not accepted; use one of: %(types)s.")
            % {"types": ", ".join(sorted(ALLOWED))}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type, signatures = ALLOWED[extension]
    if head.startswith(_EXECUTABLE) or not head.startswith(signatures):
        raise _refuse(_("The content of the file is not a .%(ext)s document.") % {"ext": extension})
    if signatures is _ZIP:
        _check_office_archive(upload, limit)
    return CheckedUpload(name=name, size=upload.size, content_type=content_type)


def _check_office_archive(upload: UploadedFile, limit: int) -> None:
    """An Office/OpenDocument file is a zip with a known manifest; refuse other zips and zip bombs."""
    data = upload.read()
    upload.seek(0)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise _refuse(_("The file is damaged.")) from exc
    if not names & {"[Content_Types].xml", "mimetype"}:
        raise _refuse(_("The file is a zip archive, not an office document."))
    if inflated > 20 * limit:
        raise _refuse(_("The document is too large once unpacked."))
