"""The JSON the portal receives (docs/dvcqg.md), built when a message is sent.

Field names follow the portal's integration documents as other systems' code shows them (OpenCPS'
`DVCQGIntegrationActionImpl`): `DongBoHoSoMC` carries the dossier (MaHoSo, MaTTHC, NgayTiepNhan,
NgayHenTra, TrangThaiHoSo …), `CapNhatTienDoHoSoMC` one processing step (NguoiXuLy, ThoiDiemXuLy,
NoiDungXuLy, TrangThai). Moments are yyyyMMddHHmmss in Vietnam time. Codes go through the mapping tables;
a missing mapping raises `Unmapped`, and the worker parks the message with that reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from motcua.dossiers.choices import Channel, DossierStatus
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dvcqg.choices import Service
from motcua.dvcqg.models import AgencyMapping, NationalFiling, OutboxMessage, ProcedureMapping, StatusMapping

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# Channel → HinhThuc / kênh (1 at a desk, 2 online, 3 by public post), as the portal's lists show them.
CHANNEL_CODES = {Channel.DESK: "1", Channel.ONLINE: "2", Channel.POST: "3"}


class Unmapped(Exception):
    """A local code has no national counterpart: retrying cannot mend it, a mapping can."""


def portal_moment(moment: dt.datetime | None) -> str:
    """yyyyMMddHHmmss in Vietnam time ('' for none)."""
    return moment.astimezone(VIETNAM).strftime("%Y%m%d%H%M%S") if moment else ""


@dataclass
class Mappings:
    """The three mapping tables, read once per worker batch."""

    statuses: dict[str, str] = field(default_factory=dict)
    procedures: dict[str, str] = field(default_factory=dict)
    agencies: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Mappings:
        return cls(
            statuses=dict(StatusMapping.objects.values_list("status", "national_code")),
            procedures=dict(ProcedureMapping.objects.values_list("procedure_code", "national_code")),
            agencies=dict(AgencyMapping.objects.values_list("agency_identifier", "national_code")),
        )

    def status(self, value: str) -> str:
        code = self.statuses.get(value)
        if not code:
            raise Unmapped(_("Status '%(status)s' has no national code.") % {"status": value})
        return code

    def procedure(self, code: str) -> str:
        national = self.procedures.get(code)
        if not national:
            raise Unmapped(_("Procedure %(code)s has no national code (MaTTHC).") % {"code": code})
        return national

    def agency(self, identifier: str) -> str:
        national = self.agencies.get(identifier)
        if not national:
            raise Unmapped(_("Agency %(code)s has no national code (MaDonVi).") % {"code": identifier})
        return national


def dossier_record(dossier: Dossier, mappings: Mappings, *, status: str | None = None) -> dict:
    """The DongBoHoSoMC record of a dossier as it stands (or with `status` as the reported state)."""
    version = dossier.procedure_version
    try:
        filing = dossier.national_filing
    except NationalFiling.DoesNotExist:
        filing = None
    fees = int(dossier.fees_amount or 0)
    record = {
        "MaHoSo": dossier.code,
        "MaTTHC": mappings.procedure(version.procedure.code),
        "TenTTHC": version.name,
        "MaDonVi": mappings.agency(dossier.competent_agency.identifier),
        "DonViXuLy": dossier.competent_agency.name,
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": "2" if len(dossier.applicant_identifier) in (10, 13) else "1",
        "MaDoiTuong": dossier.applicant_identifier,
        "SoDienThoai": dossier.applicant_phone,
        "Email": dossier.applicant_email,
        "KenhThucHien": CHANNEL_CODES.get(dossier.channel, "2"),
        "NgayNopHoSo": portal_moment(dossier.submitted_at),
        "NgayTiepNhan": portal_moment(dossier.received_at),
        "NgayHenTra": portal_moment(dossier.appointment_at),
        "TrangThaiHoSo": mappings.status(status or dossier.status),
        "NgayTra": portal_moment(dossier.returned_at),
        "NgayKetThucXuLy": portal_moment(dossier.result_ready_at),
        "DanhSachLePhi": [{"TenPhiLePhi": _("Fees"), "Gia": str(fees), "HinhThucThu": ""}] if fees else [],
        "DanhSachGiayToKetQua": (
            [{"TenGiayTo": version.result or version.name, "MaKetQua": dossier.result_code}]
            if dossier.result_code
            else []
        ),
    }
    if filing is not None:
        record["MaHoSoQG"] = filing.national_code
    return record


def progress_record(dossier: Dossier, event: DossierEvent, mappings: Mappings) -> dict:
    """The CapNhatTienDoHoSoMC record of one event."""
    payload = event.payload or {}
    note = payload.get("reason") or payload.get("note") or str(event.action)
    record = {
        "MaHoSo": dossier.code,
        "NguoiXuLy": event.actor_name,
        "ChucDanh": "",
        "ThoiDiemXuLy": portal_moment(event.created_at),
        "PhongBanXuLy": dossier.current_agency.name if dossier.current_agency_id else "",
        "NoiDungXuLy": note,
        "TrangThai": mappings.status(event.to_status),
        "NgayBatDau": portal_moment(dossier.received_at),
        "NgayKetThucTheoQuyDinh": portal_moment(dossier.due_at),
        "ThuTu": event.seq,
    }
    if dossier.apology_issued and event.action == "apologise_extend":
        record["NgayHenTraMoi"] = portal_moment(dossier.extended_due_at)
    return record


def message_body(
    message: OutboxMessage, dossier: Dossier, event: DossierEvent | None, mappings: Mappings
) -> dict:
    """The request body: {"service": …, "isUpdating": …, "data": [record]}."""
    if message.service == Service.SYNC_DOSSIER:
        status = event.to_status if event is not None else None
        record = dossier_record(dossier, mappings, status=status)
        if message.extra:
            record.update(message.extra)
        return {"service": message.service, "isUpdating": event is None or event.seq > 1, "data": [record]}
    if event is None:
        raise Unmapped(_("A progress message needs its event."))
    # The dossier's codes are checked for progress too: the portal refuses steps of a dossier it cannot place.
    mappings.procedure(dossier.procedure_version.procedure.code)
    return {"service": message.service, "data": [progress_record(dossier, event, mappings)]}


# The portal's TrangThaiHoSo list (docs/dvcqg.md) and the local states it maps by default.
NATIONAL_STATUSES = {
    "1": "Mới đăng ký",
    "2": "Được tiếp nhận",
    "3": "Không được tiếp nhận",
    "4": "Đang xử lý",
    "5": "Yêu cầu bổ sung giấy tờ",
    "6": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "7": "Công dân yêu cầu rút hồ sơ",
    "8": "Dừng xử lý",
    "9": "Đã xử lý xong",
    "10": "Đã trả kết quả",
}
DEFAULT_STATUS_CODES = {
    DossierStatus.SUBMITTED: "1",
    DossierStatus.NEEDS_COMPLETION: "5",
    DossierStatus.REJECTED: "3",
    DossierStatus.RECEIVED: "2",
    DossierStatus.IN_PROGRESS: "4",
    DossierStatus.AWAITING_SUPPLEMENT: "5",
    DossierStatus.SUSPENDED: "6",
    DossierStatus.RESULT_READY: "9",
    DossierStatus.RETURNED: "10",
    DossierStatus.STOPPED: "8",
    DossierStatus.WITHDRAWN: "7",
}
