import pytest

from motcua.core.errors import InvalidInput
from motcua.feedback.models import Petition
from motcua.feedback.tests.helpers import EXE, PDF, PNG, submit, upload

pytestmark = pytest.mark.django_db


def stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_a_pdf_is_stored_under_a_random_name(category, _media):
    petition = submit(category, attachment=upload("Đơn kiến nghị.pdf", PDF))
    assert petition.attachment_name == "Đơn kiến nghị.pdf"
    assert petition.attachment.name.startswith("feedback/") and petition.attachment.name.endswith(".pdf")
    assert "Đơn" not in petition.attachment.name
    assert len(stored_files(_media)) == 1


def test_a_png_is_accepted(category):
    assert submit(category, attachment=upload("anh.png", PNG, "image/png")).attachment.name.endswith(".png")


@pytest.mark.parametrize(
    ("file", "code"),
    [
        (lambda: upload("to.pdf", PDF + b"x" * 2048), "upload_too_large"),
        (lambda: upload("setup.pdf", EXE), "upload_bad_type"),
        (lambda: upload("..\\..\\x.pdf", PDF), "upload_bad_name"),
        (lambda: upload("anh.png", PDF), "upload_bad_type"),  # the name must match the content
        (lambda: upload("bomb.zip", b"PK\x03\x04" + b"\x00" * 64, "application/zip"), "upload_bad_type"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(category, settings, _media, file, code):
    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(InvalidInput) as exc:
        submit(category, attachment=file())
    assert exc.value.code == code and exc.value.message
    assert not Petition.objects.exists()
    assert stored_files(_media) == []


@pytest.mark.parametrize("sent_name", ["../../x.pdf", "/etc/x.pdf", "a/b.pdf", ".htaccess"])
def test_names_with_folders_are_refused_as_sent(category, _media, sent_name):
    # Django keeps only the last path component in upload.name; the service checks the name as sent.
    with pytest.raises(InvalidInput) as exc:
        submit(category, attachment=upload(sent_name, PDF), attachment_sent_name=sent_name)
    assert exc.value.code == "upload_bad_name"
    assert not Petition.objects.exists()
    assert stored_files(_media) == []
