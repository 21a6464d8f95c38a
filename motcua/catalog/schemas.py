from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Schema


class ProcedureListItemOut(Schema):
    code: str
    name: str
    version: int
    field: str
    levels: list[str]
    competent_agency: str | None
    time_limit_value: Decimal
    time_limit_unit: str
    online_service: str

    @staticmethod
    def resolve_code(obj) -> str:
        return obj.procedure.code

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.number

    @staticmethod
    def resolve_field(obj) -> str:
        return obj.field.name

    @staticmethod
    def resolve_levels(obj) -> list[str]:
        return [level.code for level in obj.levels.all()]

    @staticmethod
    def resolve_competent_agency(obj) -> str | None:
        return obj.competent_agency.identifier if obj.competent_agency_id else None


class ProcedureListOut(Schema):
    count: int
    items: list[ProcedureListItemOut]


class DocumentOut(Schema):
    position: int
    name: str
    form: str
    count: int
    is_optional: bool


class FeeOut(Schema):
    description: str
    amount: Decimal
    note: str


class StepOut(Schema):
    position: int
    name: str
    role: str
    agency: str | None
    duration_days: Decimal

    @staticmethod
    def resolve_agency(obj) -> str | None:
        return obj.agency.identifier if obj.agency_id else None


class ProcedureOut(ProcedureListItemOut):
    valid_from: date
    valid_to: date | None
    time_limit_text: str
    applicants: str
    requirements: str
    result: str
    legal_basis: list[str]
    accepts_desk: bool
    accepts_post: bool
    boundary_free: bool
    supplement_policy: str
    documents: list[DocumentOut]
    fees: list[FeeOut]
    steps: list[StepOut]

    @staticmethod
    def resolve_legal_basis(obj) -> list[str]:
        return [line.strip() for line in obj.legal_basis.splitlines() if line.strip()]
