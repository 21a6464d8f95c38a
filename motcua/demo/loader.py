"""Loads the Sơn La demo province from the JSON files in data/. Idempotent: rows are matched by
their natural keys (unit code, agency identifier, procedure code, username) and created when missing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db import transaction

from motcua.catalog.choices import OnlineService, TimeLimitUnit
from motcua.catalog.models import Procedure
from motcua.catalog.services import DocumentData, FeeData, ProcedureData, StepData, procedure_version_save
from motcua.control.demo import control_load_demo_2021
from motcua.dossiers.demo import demo_size, dossiers_load_demo
from motcua.dossiers.ledger import audit_checkpoints_close
from motcua.dvcqg.demo import dvcqg_load_demo
from motcua.feedback.demo import feedback_load_demo
from motcua.idp.demo import load_identities
from motcua.org.choices import AgencyKind, Role
from motcua.org.models import AdministrativeUnit, Agency, Desk, Membership, UnitLevel, User
from motcua.payments.demo import payments_load_demo
from motcua.portal.demo import portal_load_demo
from motcua.ratings.demo import ratings_load_demo
from motcua.workdays import services as workdays_services

DATA_DIR = Path(__file__).resolve().parent / "data"
# Everything in the demo catalog is in force from the day the two-level local government began.
CATALOG_VALID_FROM = dt.date(2025, 7, 1)
DEMO_PASSWORD = "motcua-demo-2026"

# Make-up working days (a Saturday worked for a bridge day off) of 2021–2026, each confirmed by the
# `holidays` package naming the bridge day "Day off (substituted from <this Saturday>)".
MAKEUP_WORKING_DAYS = {
    dt.date(2024, 5, 4): "Làm bù cho ngày nghỉ thứ Hai 29/4/2024",
    dt.date(2025, 4, 26): "Làm bù cho ngày nghỉ thứ Sáu 02/5/2025",
    dt.date(2026, 8, 22): "Làm bù cho ngày nghỉ thứ Hai 31/8/2026",
}


@cache
def _data(name: str) -> dict | list:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def load_units() -> dict[str, AdministrativeUnit]:
    data = _data("units.json")
    levels = {}
    for row in data["levels"]:
        levels[row["code"]], _ = UnitLevel.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"], "rank": row["rank"]}
        )
    units: dict[str, AdministrativeUnit] = {u.code: u for u in AdministrativeUnit.objects.all()}
    for row in data["units"]:  # parents come before their children in the file
        if row["code"] not in units:
            units[row["code"]] = AdministrativeUnit.objects.create(
                code=row["code"],
                name=row["name"],
                kind=row["kind"],
                level=levels[row["level"]],
                parent=units.get(row["parent"]) if row.get("parent") else None,
            )
    return units


def load_agencies(units: dict[str, AdministrativeUnit]) -> dict[str, Agency]:
    by_key: dict[str, Agency] = {}
    existing = {a.identifier: a for a in Agency.objects.all()}
    for row in _data("agencies.json"):
        agency = existing.get(row["identifier"])
        if agency is None:
            agency = Agency.objects.create(
                identifier=row["identifier"],
                name=row["name"],
                short_name=row.get("short_name", "")[:60],
                kind=row["kind"],
                unit=units[row["unit"]],
                address=row.get("address", ""),
                phone=row.get("phone", "")[:30],
            )
        by_key[row["key"]] = agency
    return by_key


def load_desks(agencies: dict[str, Agency]) -> None:
    for agency in agencies.values():
        if agency.kind == AgencyKind.SERVICE_CENTRE:
            name = "Bộ phận Một cửa — Trung tâm Phục vụ hành chính công tỉnh"
        elif agency.kind == AgencyKind.PEOPLES_COMMITTEE and agency.unit.level.code == "commune":
            name = f"Bộ phận Một cửa — {agency.unit}"
        else:
            continue
        Desk.objects.get_or_create(agency=agency, name=name, defaults={"address": agency.address})


def load_workdays() -> None:
    for day, reason in MAKEUP_WORKING_DAYS.items():
        workdays_services.day_override_set(day=day, kind="working_day", reason=reason)


def _procedure_data(row: dict, agencies: dict[str, Agency]) -> ProcedureData:
    def identifier(key: str | None) -> str | None:
        if key in (None, "", "commune", "competent"):
            return None
        return agencies[key].identifier

    channels = set(row.get("channels", []))
    online = (
        OnlineService.FULL
        if "online_full" in channels
        else OnlineService.PARTIAL
        if "online_partial" in channels
        else OnlineService.NONE
    )
    return ProcedureData(
        code=row["code"],
        name=row["name"],
        field_name=row["field"],
        level_codes=tuple(row["levels"]),
        time_limit_value=Decimal(str(row["time_limit"]["value"])),
        time_limit_unit=row["time_limit"].get("unit", TimeLimitUnit.WORKING_DAYS),
        valid_from=CATALOG_VALID_FROM,
        competent_agency_identifier=identifier(row.get("agency")),
        time_limit_text=row.get("time_limit_text", ""),
        applicants=row.get("applicants", ""),
        requirements=row.get("requirements", ""),
        result=row.get("result", ""),
        legal_basis="\n".join(row.get("legal_basis", [])),
        online_service=online,
        accepts_desk="desk" in channels or not channels,
        accepts_post="post" in channels,
        boundary_free=row.get("boundary_free", True),
        documents=tuple(
            DocumentData(name=d["name"], form=d.get("form", "original"), count=int(d.get("count", 1)))
            for d in row.get("documents", [])
        ),
        fees=tuple(
            FeeData(description=f["description"], amount=Decimal(str(f["amount"])), note=f.get("note", ""))
            for f in row.get("fees", [])
        ),
        steps=tuple(
            StepData(
                name=s["name"],
                role=s["role"],
                duration_days=Decimal(str(s["days"])),
                agency_identifier=identifier(s.get("agency")),
            )
            for s in row.get("steps", [])
        ),
    )


def load_procedures(agencies: dict[str, Agency]) -> int:
    known = set(Procedure.objects.values_list("code", flat=True))
    created = 0
    for row in _data("procedures.json"):
        if row["code"] in known:
            continue
        procedure_version_save(data=_procedure_data(row, agencies))
        created += 1
    return created


# username, full name, role, agency key (None: citizen)
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", Role.ADMINISTRATOR, "vp-ubnd"),
    ("vanphong", "Nguyễn Thị Kiểm Soát", Role.OFFICE_REVIEWER, "vp-ubnd"),
    ("chutich", "Lò Văn Chủ Tịch", Role.CHAIRMAN, "ubnd-tinh"),
    ("motcua", "Cầm Thị Tiếp Nhận", Role.RECEIVING_OFFICER, "pvhcc"),
    ("chuyenvien", "Quàng Văn Chuyên", Role.SPECIALIST, "stp"),
    ("lanhdao", "Hoàng Văn Lãnh Đạo", Role.LEADER, "stp"),
    ("congdan", "Lường Thị Công Dân", Role.CITIZEN, None),
]


def load_users(agencies: dict[str, Agency]) -> None:
    for username, full_name, role, agency_key in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                email=f"{username}@demo.motcua.local",
                is_staff=role != Role.CITIZEN,
                is_superuser=role == Role.ADMINISTRATOR,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            user=user, role=role, agency=agencies.get(agency_key) if agency_key else None
        )


# Staff of every other agency that decides or receives dossiers, so that every demo procedure can be carried
# from reception to return by demo users: a specialist and a leader in each department, and a receiving
# officer, a specialist and a leader at each commune's People's Committee. Usernames <role>.<key>, where the
# key is the department's key or the commune's official code (e.g. chuyenvien.snv, motcua.03646).
AGENCY_STAFF = {
    AgencyKind.DEPARTMENT: (("chuyenvien", Role.SPECIALIST), ("lanhdao", Role.LEADER)),
    AgencyKind.PEOPLES_COMMITTEE: (
        ("motcua", Role.RECEIVING_OFFICER),
        ("chuyenvien", Role.SPECIALIST),
        ("lanhdao", Role.LEADER),
    ),
}
ROLE_TITLES = {
    Role.RECEIVING_OFFICER: "Công chức Một cửa",
    Role.SPECIALIST: "Chuyên viên",
    Role.LEADER: "Lãnh đạo",
}


def agency_staff_username(prefix: str, key: str, agency: Agency) -> str:
    suffix = agency.unit.code if agency.unit.level.code == "commune" else key
    return f"{prefix}.{suffix}"


def load_agency_staff(agencies: dict[str, Agency]) -> int:
    """The staff of AGENCY_STAFF (those the named demo users do not already cover); the password is hashed
    once for all of them."""
    named = {(role, agencies[key].pk) for _u, _n, role, key in DEMO_USERS if key}
    existing = set(User.objects.values_list("username", flat=True))
    password = None
    created = 0
    for key, agency in agencies.items():
        if agency.kind == AgencyKind.PEOPLES_COMMITTEE and agency.unit.level.code != "commune":
            continue
        for prefix, role in AGENCY_STAFF.get(agency.kind, ()):
            if (role, agency.pk) in named:
                continue
            username = agency_staff_username(prefix, key, agency)
            if username not in existing:
                if password is None:
                    probe = User()
                    probe.set_password(DEMO_PASSWORD)
                    password = probe.password
                user = User.objects.create(
                    username=username,
                    full_name=f"{ROLE_TITLES[role]} {agency.short_name or agency.name}",
                    password=password,
                    is_staff=True,
                )
                created += 1
            else:
                user = User.objects.get(username=username)
            Membership.objects.get_or_create(user=user, role=role, agency=agency)
    return created


def load_reference() -> dict[str, Agency]:
    """Units, agencies, desks, the calendar, the catalog and the staff: everything but the dossiers and
    the other demo content (tests that drive the demo procedures load only this)."""
    units = load_units()
    agencies = load_agencies(units)
    load_desks(agencies)
    load_workdays()
    load_procedures(agencies)
    load_users(agencies)
    load_agency_staff(agencies)
    return agencies


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Load (or complete) the demo province; returns counts of what is now there."""
    units = load_units()
    agencies = load_agencies(units)
    load_desks(agencies)
    load_workdays()
    created = load_procedures(agencies)
    load_users(agencies)
    load_agency_staff(agencies)
    control_load_demo_2021()
    portal_load_demo()
    dossiers_load_demo(**demo_size())
    ratings_load_demo()
    # The year of demo history is in the past: seal its closed hours in the public audit ledger now.
    audit_checkpoints_close()
    dvcqg_load_demo()
    payments_load_demo()
    feedback_load_demo()
    # The demo stand-in for VNeID knows the demo citizen, a person new to motcua and one business.
    load_identities(DEMO_PASSWORD)
    return {
        "units": len(units),
        "agencies": len(agencies),
        "procedures_created": created,
        "procedures": Procedure.objects.count(),
        "users": len(DEMO_USERS),
    }
