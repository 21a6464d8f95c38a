from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class PublicationItemOut(Schema):
    position: int
    change: str
    procedure_code: str
    replaces_code: str
    name: str


class PublicationItemDetailOut(PublicationItemOut):
    record: dict[str, Any]
    previous_version: int | None = None
    applied_version: int | None = None

    @staticmethod
    def resolve_previous_version(obj) -> int | None:
        return obj.previous_version.number if obj.previous_version_id else None

    @staticmethod
    def resolve_applied_version(obj) -> int | None:
        return obj.applied_version.number if obj.applied_version_id else None


class PublicationDecisionOut(Schema):
    id: int
    number: str
    title: str
    status: str
    drafting_agency: str
    signed_on: dt.date | None
    effective_on: dt.date | None
    applied_on: dt.date | None
    items: list[PublicationItemOut]

    @staticmethod
    def resolve_drafting_agency(obj) -> str:
        return obj.drafting_agency.identifier


class PublicationDecisionDetailOut(PublicationDecisionOut):
    summary: str
    items: list[PublicationItemDetailOut]


class PlanTaskOut(Schema):
    id: int
    position: int
    name: str
    owner_agency: str
    deadline: dt.date
    progress: int
    status: str
    overdue: bool
    result_note: str

    @staticmethod
    def resolve_owner_agency(obj) -> str:
        return obj.owner_agency.identifier


class TaskGroupOut(Schema):
    position: int
    name: str
    tasks: list[PlanTaskOut]

    @staticmethod
    def resolve_tasks(obj) -> list:
        return list(obj.tasks.all())


class ControlPlanOut(Schema):
    year: int
    title: str
    issuing_agency: str
    decision_number: str
    decision_date: dt.date | None
    task_count: int
    done_count: int
    overdue_count: int
    progress: int
    groups: list[TaskGroupOut]
