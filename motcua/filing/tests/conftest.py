"""Named people for the filing tests: a citizen (an), another citizen (binh), the Department of
Justice's desk officer, specialist and leader, and an officer of another agency (out of scope)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.choices import OnlineService
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import DocumentData, ProcedureData, StepData, procedure_version_save
from motcua.org.choices import Role
from motcua.org.models import Agency, Desk, Membership, User
from motcua.org.tests.factories import AgencyFactory, UnitLevelFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def upload(name: str = "to-khai.pdf", content: bytes = PDF, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def zip_bomb() -> bytes:
    """A real .docx-shaped archive that inflates to far more than the upload limit."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (8 * 1024 * 1024))
    return buffer.getvalue()


def make_online_procedure(
    agency: Agency, *, code: str = "2.001263", online: str = OnlineService.FULL
) -> ProcedureVersion:
    UnitLevelFactory(code="province")
    return procedure_version_save(
        data=ProcedureData(
            code=code,
            name="Cấp Phiếu lý lịch tư pháp",
            field_name="Lý lịch tư pháp",
            level_codes=("province",),
            time_limit_value=Decimal("3"),
            valid_from=dt.date(2025, 7, 1),
            competent_agency_identifier=agency.identifier,
            online_service=online,
            documents=(
                DocumentData(name="Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"),
                DocumentData(name="Căn cước công dân", form="copy"),
                DocumentData(name="Văn bản ủy quyền", is_optional=True),
            ),
            steps=(
                StepData(name="Tiếp nhận hồ sơ", role=Role.RECEIVING_OFFICER, duration_days=Decimal("0.25")),
                StepData(name="Thẩm định", role=Role.SPECIALIST, duration_days=Decimal("2.5")),
                StepData(name="Ký duyệt", role=Role.LEADER, duration_days=Decimal("0.25")),
            ),
        ),
        today=dt.date(2026, 1, 1),
    )


def member(user: User, agency: Agency | None, *roles: str) -> User:
    for role in roles:
        Membership.objects.create(user=user, agency=agency, role=role)
    return user


@dataclass
class World:
    dept: Agency
    other: Agency
    officer: User
    specialist: User
    leader: User
    outsider: User
    citizen: User
    stranger: User
    version: ProcedureVersion


def build_world() -> World:
    dept = AgencyFactory(identifier="000.00.53.H48", name="Sở Tư pháp")
    other = AgencyFactory(identifier="000.00.99.H48", name="Sở Khác")
    Desk.objects.create(agency=dept, name="Bộ phận Một cửa Sở Tư pháp")  # where online filings arrive
    return World(
        dept=dept,
        other=other,
        officer=member(UserFactory(username="olga", full_name="Lò Thị Olga"), dept, Role.RECEIVING_OFFICER),
        specialist=member(UserFactory(username="sam", full_name="Cầm Văn Sam"), dept, Role.SPECIALIST),
        leader=member(UserFactory(username="linh", full_name="Quàng Thị Linh"), dept, Role.LEADER),
        outsider=member(UserFactory(username="oscar"), other, *[r for r in Role if r != Role.CITIZEN]),
        citizen=member(
            UserFactory(
                username="an",
                full_name="Nguyễn Văn An",
                phone="0912345678",
                email="an@example.vn",
                personal_identifier="014090000001",
            ),
            None,
            Role.CITIZEN,
        ),
        stranger=member(
            UserFactory(username="binh", full_name="Trần Thị Bình", personal_identifier="014090000002"),
            None,
            Role.CITIZEN,
        ),
        version=make_online_procedure(dept),
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
