"""Small builders shared by the petition tests."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.feedback import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def upload(name: str = "don.pdf", content: bytes = PDF, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def submit(category, **overrides):
    fields = {
        "category": category,
        "subject": "Thủ tục đăng ký kết hôn yêu cầu giấy tờ không cần thiết",
        "content": "Xã yêu cầu nộp bản sao sổ hộ khẩu dù đã bỏ sổ hộ khẩu giấy.",
        "submitter_name": "Phạm Thị Dung",
        "submitter_phone": "0912345678",
        "is_public": True,
    }
    fields.update(overrides)
    return services.petition_submit(**fields)


def route(petition, *, reviewer, agency):
    services.petition_classify(actor=reviewer, code=petition.code, category=petition.category)
    return services.petition_assign(actor=reviewer, code=petition.code, agency=agency)
