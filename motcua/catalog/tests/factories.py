"""Build catalog rows through the real service, as the importer and the demo loader do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import DocumentData, FeeData, ProcedureData, StepData, procedure_version_save
from motcua.org.choices import Role
from motcua.org.tests.factories import UnitLevelFactory


def make_procedure(
    code: str = "1.000894",
    name: str = "Đăng ký kết hôn",
    *,
    field_name: str = "Hộ tịch",
    levels: tuple[str, ...] = ("commune",),
    days: str = "3",
    agency_identifier: str | None = None,
    valid_from: dt.date = dt.date(2025, 7, 1),
    today: dt.date | None = None,
) -> ProcedureVersion:
    for level in levels:
        UnitLevelFactory(code=level)
    total = Decimal(days)
    return procedure_version_save(
        data=ProcedureData(
            code=code,
            name=name,
            field_name=field_name,
            level_codes=levels,
            time_limit_value=total,
            valid_from=valid_from,
            competent_agency_identifier=agency_identifier,
            result="Giấy chứng nhận",
            legal_basis="Luật Hộ tịch số 60/2014/QH13\nNghị định 123/2015/NĐ-CP",
            documents=(
                DocumentData(name="Tờ khai theo mẫu"),
                DocumentData(name="Giấy tờ tùy thân", form="copy"),
            ),
            fees=(FeeData(description="Lệ phí", amount=Decimal("0"), note="Miễn lệ phí"),),
            steps=(
                StepData(name="Tiếp nhận hồ sơ", role=Role.RECEIVING_OFFICER, duration_days=Decimal("0.25")),
                StepData(name="Thẩm định", role=Role.SPECIALIST, duration_days=total - Decimal("0.5")),
                StepData(name="Ký duyệt", role=Role.LEADER, duration_days=Decimal("0.25")),
            ),
        ),
        today=today or dt.date(2026, 1, 1),
    )
