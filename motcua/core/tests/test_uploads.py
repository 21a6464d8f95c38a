import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from motcua.core.errors import InvalidInput
from motcua.core.uploads import check_upload


@pytest.fixture(autouse=True)
def _english():
    # Assertions below read English messages; the UI default is Vietnamese.
    with translation.override("en"):
        yield


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("setup.exe", b"MZ...")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("bao-cao.pdf", PDF, "application/pdf"),
        ("Báo cáo quý 2.docx", docx(), None),
        ("anh.png", b"\x89PNG\r\n\x1a\n....", "image/png"),
    ],
)
def test_real_documents_are_accepted(name, content, content_type):
    checked = check_upload(SimpleUploadedFile(name, content))
    assert checked.size == len(content)
    if content_type:
        assert checked.content_type == content_type
    assert checked.name == name  # shown as sent
    assert "/" not in checked.storage_name and " " not in checked.storage_name


@pytest.mark.parametrize(
    "name,content",
    [
        ("bao-cao.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),  # a Windows program renamed .pdf
        ("bao-cao.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),  # a Linux program renamed .pdf
        ("bao-cao.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("bao-cao.docx", plain_zip()),  # a zip that is not an office document
        ("bao-cao.exe", PDF),
        ("bao-cao", PDF),
        ("empty.pdf", b""),
    ],
)
def test_disguised_and_unknown_files_are_refused(name, content):
    with pytest.raises(InvalidInput) as exc:
        check_upload(SimpleUploadedFile(name, content))
    assert exc.value.code in {"upload_bad_type", "upload_empty"}


def test_oversized_files_are_refused(settings):
    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(InvalidInput, match="too large"):
        check_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 2000))
