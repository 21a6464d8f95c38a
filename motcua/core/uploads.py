"""Checks on every uploaded file (docs/design.md §7): size, type by content, and name.

The declared type and the extension are claims; the first bytes are the evidence. A file is accepted
only when its extension is one the caller allows and its content starts the way that format starts, so
an executable renamed `.pdf` is refused; office documents must be real Office/OpenDocument archives
that do not inflate far beyond the upload limit (zip bombs). The sender's file name is kept for
display only and refused when it could mean something to a file system; storage always gets a random
name with the extension of the detected type.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)

# extension -> (content type, signatures the content must start with)
FILE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
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
PDF_AND_IMAGES = frozenset({"pdf", "png", "jpg", "jpeg"})
DOCUMENTS = frozenset(FILE_TYPES)
# Whatever the name says, these are programs.
_EXECUTABLE = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")
# An office archive may unpack to at most this many times the upload limit.
MAX_INFLATION = 20
MAX_NAME_LENGTH = 120
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f\x7f:*?\"<>|]")


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    name: str  # the sender's name, NFC, safe to show
    storage_name: str  # a random name with the extension of the detected type
    size: int
    content_type: str  # from the content


def check_upload(
    upload: UploadedFile,
    *,
    kinds: Iterable[str] = DOCUMENTS,
    sent_name: str | None = None,
    max_bytes: int | None = None,
) -> CheckedUpload:
    """Accept `upload` or raise `InvalidInput` saying why (codes `upload_empty`, `upload_too_large`,
    `upload_bad_name`, `upload_bad_type`).

    `kinds` are the accepted extensions. `sent_name` is the name as the client sent it, when the caller
    knows it (see `record_sent_file_names`): Django keeps only the last path component in `upload.name`,
    and a name with folders in it is refused, not repaired.
    """
    limit = max_bytes or settings.MAX_UPLOAD_BYTES
    kinds = frozenset(kinds)
    if not upload.size:
        raise InvalidInput(_("The file is empty."), code="upload_empty")
    if upload.size > limit:
        raise InvalidInput(
            _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)},
            code="upload_too_large",
        )
    name = unicodedata.normalize("NFC", sent_name if sent_name is not None else upload.name or "").strip()
    if not name or len(name) > MAX_NAME_LENGTH or _UNSAFE_NAME.search(name) or ".." in name or name[0] == ".":
        raise InvalidInput(
            _("The file name is not acceptable: use a plain name such as “van-ban.pdf”, without folders."),
            code="upload_bad_name",
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in kinds:
        raise InvalidInput(
            _("Files of this type are not accepted; use one of: %(types)s.")
            % {"types": ", ".join(sorted(kinds))},
            code="upload_bad_type",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type, signatures = FILE_TYPES[extension]
    if head.startswith(_EXECUTABLE) or not head.startswith(signatures):
        raise InvalidInput(
            _("The content of the file is not a .%(ext)s document.") % {"ext": extension},
            code="upload_bad_type",
        )
    if signatures is _ZIP:
        _check_office_archive(upload, limit)
    stored_extension = "jpg" if extension == "jpeg" else extension
    return CheckedUpload(upload, name, f"{uuid.uuid4().hex}.{stored_extension}", upload.size, content_type)


def _check_office_archive(upload: UploadedFile, limit: int) -> None:
    """An Office/OpenDocument file is a zip with a known manifest; refuse other zips and zip bombs."""
    data = upload.read()
    upload.seek(0)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise InvalidInput(_("The file is damaged."), code="upload_bad_type") from exc
    if not names & {"[Content_Types].xml", "mimetype"}:
        raise InvalidInput(_("The file is a zip archive, not an office document."), code="upload_bad_type")
    if inflated > MAX_INFLATION * limit:
        raise InvalidInput(_("The document is too large once unpacked."), code="upload_too_large")


def record_sent_file_names(request: HttpRequest) -> list[str]:
    """Make `request` remember the file names of its multipart body as the client sent them.

    Django's parser strips folders from upload names before any view sees them; to *refuse* such
    names (rather than silently store "x.pdf" for "../../x.pdf") the view installs this before the
    body is parsed, i.e. before CSRF middleware reads request.POST (so the view checks CSRF itself).
    Returns the list that parsing fills.
    """
    sent: list[str] = []

    class RecordingParser(MultiPartParser):
        def sanitize_file_name(self, file_name):
            sent.append(html.unescape(file_name))
            return super().sanitize_file_name(file_name)

    def parse_file_upload(meta, post_data):
        return RecordingParser(meta, post_data, request.upload_handlers, request.encoding).parse()

    request.parse_file_upload = parse_file_upload
    return sent
