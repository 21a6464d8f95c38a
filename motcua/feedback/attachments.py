"""Checks on an uploaded petition attachment: size, type by content (magic bytes) and file name.

The name a browser sends is never used to store the file (storage gets a random name); it is kept
for display only, and refused when it could mean something to a file system.
"""

from __future__ import annotations

import html
import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput

# Signature at offset 0 -> (extension, the extensions a name may carry for it).
_SIGNATURES: tuple[tuple[bytes, str, frozenset[str]], ...] = (
    (b"%PDF-", "pdf", frozenset({"pdf"})),
    (b"\x89PNG\r\n\x1a\n", "png", frozenset({"png"})),
    (b"\xff\xd8\xff", "jpg", frozenset({"jpg", "jpeg"})),
)
MAX_NAME_LENGTH = 120
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f\x7f:*?\"<>|]")


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    display_name: str  # the sender's name, NFC, safe to show
    storage_name: str  # a random name with the extension of the detected type


def check_attachment(upload: UploadedFile, *, sent_name: str | None = None) -> CheckedUpload:
    """Accept a PDF, PNG or JPEG of at most MAX_UPLOAD_BYTES with a plain file name; raise InvalidInput
    (code `attachment_*`) with a clear message otherwise.

    `sent_name` is the name as the client sent it, when the caller knows it: Django keeps only the
    last path component in `upload.name`, and a name with folders in it is refused, not repaired.
    """
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise InvalidInput(
            _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)},
            code="attachment_too_large",
        )
    name = unicodedata.normalize("NFC", sent_name if sent_name is not None else upload.name or "").strip()
    if (
        not name
        or len(name) > MAX_NAME_LENGTH
        or _UNSAFE_NAME.search(name)
        or ".." in name
        or name.startswith(".")
    ):
        raise InvalidInput(
            _("The file name is not acceptable: use a plain name such as “van-ban.pdf”, without folders."),
            code="attachment_bad_name",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for signature, stored_extension, allowed_names in _SIGNATURES:
        if head.startswith(signature):
            if extension not in allowed_names:
                break
            return CheckedUpload(upload, name, f"{uuid.uuid4().hex}.{stored_extension}")
    raise InvalidInput(
        _("Only PDF, PNG or JPEG files are accepted, and the file name must match its content."),
        code="attachment_bad_type",
    )


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
