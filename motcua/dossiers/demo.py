"""A year of demo dossiers for the Sơn La demo province, played through the real workflow service.

Every dossier is filed, received and moved step by step by `dossier_submit`, `dossier_receive` and
`dossier_act`, so its events are hash-chained like any other and `verify_audit` passes. The services
take the moment of an action from `django.utils.timezone.now()`, so the loader sets a simulated clock
(patched for the duration of the load only) before each call; actions that would fall after the real
present are not taken, which leaves the recent dossiers open in whatever state they have reached.

The mix follows what a province reports: about 98 % of the finished dossiers on time, some late (half
of them with the apology-and-extension letter, Form 04), supplements, suspensions, parallel
consultations of other departments, refusals, withdrawals and stops; online, post and desk channels;
the Sơn La free-sale certificate process (Decision 2969/QĐ-UBND, docs/design.md §5) among them. The result is
deterministic for a given seed and day.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import services
from motcua.dossiers.choices import Channel, DossierStatus, StepKind
from motcua.dossiers.deadlines import apology_deadline
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.results import result_attach
from motcua.dossiers.services import ApplicantData, dossier_act, dossier_receive, dossier_submit
from motcua.org.choices import AgencyKind, Role
from motcua.org.models import Agency, Desk, Membership, User
from motcua.workdays.selectors import (
    add_working_time,
    is_working_day,
    next_working_moment,
    working_minutes_between,
)

S = DossierStatus
DEMO_KEY = "demo-"  # idempotency keys of demo dossiers: "<actor id>:demo-<n>"
FREE_SALE_CODE = "9.000001"
# The named demo specialist and leader of motcua.demo.loader (every agency has staff one can sign in as,
# these two are the ones the README names): the showcase leaves work waiting in their agency.
SHOWCASE_STAFF = ("chuyenvien", "lanhdao")  # Sơn La free-sale certificate for press and publication goods
MINUTES_PER_DAY = 480

FAMILY_NAMES = (
    ["Nguyễn"] * 6
    + ["Lò"] * 4
    + ["Cầm", "Quàng", "Lường", "Hà", "Tòng", "Vì", "Điêu", "Sùng", "Giàng", "Mùa", "Lù", "Bạc"] * 2
    + ["Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Đinh", "Lương", "Hoàng"]
)
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Xuân", "Hữu", "A"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Tuấn",
    "Việt",
    "Hải",
    "Chính",
    "Pánh",
    "Chứ",
    "Dênh",
    "Xồng",
]
GIVEN_FEMALE = [
    "Anh",
    "Chi",
    "Dung",
    "Hà",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Thảo",
    "Trang",
    "Yến",
    "Ánh",
    "Ban",
    "Xuân",
    "Mỷ",
    "Hoa",
]
VILLAGES = [
    "Bản Mòng",
    "Bản Hụm",
    "Bản Cọ",
    "Bản Nà Cạn",
    "Bản Pột",
    "Bản Co Phường",
    "Tổ 2",
    "Tổ 5",
    "Tổ 7",
    "Bản Híp",
    "Bản Lầy",
    "Bản Phiêng Ngùa",
    "Tiểu khu 3",
    "Tiểu khu 6",
]
MOBILE_PREFIXES = [
    "091",
    "094",
    "088",
    "096",
    "097",
    "098",
    "086",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "081",
    "082",
    "083",
    "084",
    "085",
    "070",
    "076",
    "077",
    "078",
]
BUSINESS_KINDS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV"]
BUSINESS_NAMES = [
    "Sách và Thiết bị Tây Bắc",
    "Phát hành sách Sơn La",
    "Văn hóa phẩm Mộc Châu",
    "In và Bao bì Chiềng Sinh",
    "Thương mại Tô Hiệu",
    "Xuất nhập khẩu Tây Bắc",
    "Nông sản Mai Sơn",
    "Cà phê Sơn La",
    "Chè Mộc Châu",
    "Xây dựng Thuận Châu",
]

SUPPLEMENT_REASONS = [
    "Thiếu bản sao giấy tờ tùy thân có chứng thực.",
    "Tờ khai chưa ghi đầy đủ thông tin, đề nghị bổ sung.",
    "Đề nghị bổ sung bản vẽ và giấy tờ chứng minh quyền sử dụng đất.",
    "Đề nghị bổ sung văn bản ủy quyền hợp lệ.",
]
COMPLETION_REASONS = [
    "Ảnh chụp giấy tờ không rõ, đề nghị nộp lại bản rõ nét.",
    "Thiếu tờ khai theo mẫu quy định.",
]
REFUSAL_REASONS = [
    "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan.",
    "Hồ sơ đã được giải quyết trước đó, không tiếp nhận lại.",
]
SUSPEND_REASONS = ["Chờ người nộp thực hiện nghĩa vụ tài chính.", "Chờ kết quả xác minh của cơ quan khác."]
APOLOGY_REASONS = [
    "Hồ sơ cần xác minh thực địa, chưa kịp hoàn thành trong thời hạn.",
    "Cán bộ thụ lý đi công tác, chậm thẩm định hồ sơ.",
]
STOP_REASONS = [
    "Người nộp không thực hiện nghĩa vụ tài chính trong thời hạn.",
    "Hồ sơ có dấu hiệu giả mạo giấy tờ, chuyển cơ quan chức năng.",
]
WITHDRAW_REASONS = ["Người nộp đề nghị rút hồ sơ.", "Người nộp đã chuyển nơi cư trú."]


class _Horizon(Exception):
    """The next action would fall after the present: the dossier stays as it is."""


class _Done(Exception):
    """A showcase dossier reached the status it is meant to stay in."""


@dataclass
class _Clock:
    moment: dt.datetime

    def now(self) -> dt.datetime:
        return self.moment


@dataclass
class _Plan:
    """What happens to one dossier."""

    channel: str
    outcome: str = "returned"  # returned, late, late_apology, refused, withdrawn, stopped
    completion: bool = False  # Form 02 before reception (online or post)
    supplement: bool = False
    suspend: bool = False
    consult: bool = False
    stop_at: str | None = None  # showcase: stay in this status
    demo_citizen: bool = False  # showcase: filed online by the demo citizen one can sign in as


@dataclass
class _Demo:
    rng: random.Random
    clock: _Clock
    horizon: dt.datetime
    staff: dict[tuple[int, str], User]
    citizens: list[tuple[User, ApplicantData]]
    departments: list[Agency]
    counter: int = 0
    created: list[str] = field(default_factory=list)

    # --- people ----------------------------------------------------------------------------------

    def person(self) -> ApplicantData:
        rng = self.rng
        female = rng.random() < 0.5
        name = " ".join(
            [
                rng.choice(FAMILY_NAMES),
                rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
                rng.choice(GIVEN_FEMALE if female else GIVEN_MALE),
            ]
        )
        born = rng.randint(1950, 2006)
        century = (0 if born < 2000 else 2) + (1 if female else 0)
        identifier = f"014{century}{born % 100:02d}{rng.randint(0, 999999):06d}"
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 9999999):07d}"
        return ApplicantData(
            name=name,
            identifier=identifier,
            phone=phone,
            address=f"{rng.choice(VILLAGES)}, tỉnh Sơn La",
        )

    def business(self) -> ApplicantData:
        rng = self.rng
        director = self.person()
        return ApplicantData(
            name=f"{rng.choice(BUSINESS_KINDS)} {rng.choice(BUSINESS_NAMES)}",
            identifier=f"5500{rng.randint(0, 999999):06d}",
            phone=director.phone,
            email=f"lienhe{rng.randint(10, 999)}@doanhnghiep.vn",
            address=f"{rng.choice(VILLAGES)}, tỉnh Sơn La",
            authorised_person=director.name,
        )

    def actor(self, agency_id: int, role: str) -> User:
        """The demo member of staff who plays `role` at the agency (chairman and reviewer steps are
        moved on by the agency's leader and specialist, the roles the transition table names)."""
        role = {Role.CHAIRMAN: Role.LEADER, Role.OFFICE_REVIEWER: Role.SPECIALIST}.get(role, role)
        if role not in (Role.RECEIVING_OFFICER, Role.SPECIALIST, Role.LEADER):
            role = Role.LEADER
        return self.staff[(agency_id, role)]

    # --- time ------------------------------------------------------------------------------------

    def at(self, moment: dt.datetime) -> None:
        if moment > self.horizon:
            raise _Horizon
        self.clock.moment = moment

    def later(self, moment: dt.datetime, minutes: float) -> dt.datetime:
        return add_working_time(moment, max(1, int(minutes)))

    # --- one dossier -----------------------------------------------------------------------------

    def act(self, dossier: Dossier, moment: dt.datetime, action: str, actor: User, plan: _Plan, **payload):
        self.at(moment)
        dossier = dossier_act(
            dossier_code=dossier.code, action=action, actor=actor, version=dossier.version, **payload
        )
        if plan.stop_at and dossier.status == plan.stop_at:
            raise _Done
        return dossier

    def play(self, version: ProcedureVersion, desk: Desk, received: dt.datetime, plan: _Plan) -> None:
        """File the dossier and move it on until it ends, or until its next action lies in the future."""
        self.counter += 1
        key = f"{DEMO_KEY}{self.counter}"
        rng = self.rng
        competent = version.competent_agency or desk.agency
        online_user = None
        if version.procedure.code == FREE_SALE_CODE or (version.competent_agency and rng.random() < 0.15):
            applicant = self.business()
        elif plan.channel == Channel.ONLINE:
            # The pool ends with the demo citizen one can sign in as (see _citizens).
            online_user, applicant = self.citizens[-1] if plan.demo_citizen else rng.choice(self.citizens)
        elif rng.random() < 0.1:
            applicant = rng.choice(self.citizens)[1]  # an applicant with an account, at the desk
        else:
            applicant = self.person()
        fees = sum((f.amount for f in version.fees.all()), Decimal(0))
        officer = self.actor(desk.agency_id, Role.RECEIVING_OFFICER)
        dossier = None
        try:
            if plan.channel == Channel.DESK:
                self.at(received)
                dossier = dossier_receive(
                    actor=officer,
                    desk=desk,
                    procedure_version=version,
                    applicant=applicant,
                    channel=Channel.DESK,
                    competent_agency=competent,
                    fees_amount=fees,
                    idempotency_key=key,
                    received_at=received,
                )
                self.created.append(dossier.code)
                if plan.stop_at == S.RECEIVED:
                    raise _Done
            else:
                filer = online_user if plan.channel == Channel.ONLINE and online_user else officer
                # Online dossiers arrive at any hour, often the evening before; the post in the morning.
                filed = received - dt.timedelta(minutes=rng.randint(30, 14 * 60))
                self.at(filed)
                dossier = dossier_submit(
                    actor=filer,
                    procedure_version=version,
                    applicant=applicant,
                    channel=plan.channel,
                    competent_agency=competent,
                    receiving_agency=desk.agency,
                    idempotency_key=key,
                )
                self.created.append(dossier.code)
                if plan.stop_at == S.SUBMITTED:
                    raise _Done
                checked = max(received, next_working_moment(filed))
                if plan.outcome == "refused":
                    reason = rng.choice(REFUSAL_REASONS)
                    self.act(dossier, checked, "refuse", officer, plan, reason=reason)
                    return
                if plan.completion:
                    reason = rng.choice(COMPLETION_REASONS)
                    dossier = self.act(dossier, checked, "request_completion", officer, plan, reason=reason)
                    checked = self.later(checked, rng.randint(120, 3 * MINUTES_PER_DAY))
                    dossier = self.act(dossier, checked, "submit", filer, plan)
                    checked = self.later(checked, rng.randint(30, 240))
                dossier = self.act(dossier, checked, "receive", officer, plan, desk=desk.pk)
                received = checked
            self.process(dossier, version, received, plan, applicant_user=online_user)
        except (_Horizon, _Done):
            return

    def process(self, dossier: Dossier, version, received: dt.datetime, plan: _Plan, applicant_user) -> None:
        rng = self.rng
        steps = list(
            DossierStep.objects.filter(dossier=dossier, kind=StepKind.PROCESS)
            .order_by("position")
            .values("position", "role", "agency_id", "share_minutes")
        )
        budget = dossier.budget_minutes
        specialist_at = next((i for i, s in enumerate(steps) if s["role"] == Role.SPECIALIST), 0)
        # The decision is signed at the last leader (or chairman) step before the result goes back.
        approve_at = max(
            (i for i, s in enumerate(steps[:-1]) if s["role"] in (Role.LEADER, Role.CHAIRMAN)),
            default=len(steps) - 1,
        )
        approve_at = max(approve_at, specialist_at)
        late = plan.outcome in ("late", "late_apology")
        desk_officer = self.actor(dossier.receiving_agency_id, Role.RECEIVING_OFFICER)
        now = received
        for index, step in enumerate(steps):
            agency_id, share = step["agency_id"], step["share_minutes"]
            worker = self.actor(agency_id, step["role"])
            # Most steps take well under their share; a late dossier's steps take all of theirs.
            spend = share if late else share * rng.uniform(0.3, 0.85)
            if index == specialist_at:
                leader = self.actor(agency_id, Role.LEADER)
                specialist = self.actor(agency_id, Role.SPECIALIST)
                used = 0.0  # working minutes of the step spent before the proposal (pauses excluded)
                if index > 0:
                    used += min(30, share * 0.05)
                    now = self.later(now, min(30, share * 0.05))
                    dossier = self.act(dossier, now, "assign", leader, plan, assignee=specialist.username)
                if plan.consult:
                    used += share * 0.1
                    now = self.later(now, share * 0.1)
                    consulted = rng.sample([a for a in self.departments if a.pk != agency_id], 2)
                    dossier = self.act(
                        dossier,
                        now,
                        "consult",
                        specialist,
                        plan,
                        agencies=[a.identifier for a in consulted],
                        days="2",
                    )
                    waits = sorted(
                        rng.randint(60, max(61, int(min(1.6 * MINUTES_PER_DAY, share * 0.4))))
                        for _a in consulted
                    )
                    start = now
                    for wait, agency in zip(waits, consulted, strict=True):
                        now = self.later(start, wait)
                        dossier = self.act(
                            dossier,
                            now,
                            "join",
                            self.actor(agency.pk, Role.SPECIALIST),
                            plan,
                            agency=agency.identifier,
                            opinion="Thống nhất với nội dung đề nghị.",
                        )
                    used += waits[-1]
                if plan.supplement or plan.suspend:
                    used += share * 0.15
                    now = self.later(now, share * 0.15)
                    if plan.supplement:
                        reason = rng.choice(SUPPLEMENT_REASONS)
                        dossier = self.act(
                            dossier, now, "request_supplement", specialist, plan, reason=reason
                        )
                        now = self.later(now, rng.randint(MINUTES_PER_DAY // 2, 6 * MINUTES_PER_DAY))
                        who = applicant_user or desk_officer
                        dossier = self.act(dossier, now, "supplement", who, plan, note="Đã bổ sung giấy tờ.")
                    else:
                        reason = rng.choice(SUSPEND_REASONS)
                        dossier = self.act(dossier, now, "suspend", specialist, plan, reason=reason)
                        now = self.later(now, rng.randint(MINUTES_PER_DAY, 5 * MINUTES_PER_DAY))
                        dossier = self.act(dossier, now, "resume", specialist, plan)
                if plan.outcome == "withdrawn":
                    now = self.later(now, share * 0.2)
                    who = applicant_user or desk_officer
                    self.act(dossier, now, "withdraw", who, plan, reason=rng.choice(WITHDRAW_REASONS))
                    return
                if plan.outcome == "stopped":
                    now = self.later(now, share * 0.3)
                    self.act(dossier, now, "stop", leader, plan, reason=rng.choice(STOP_REASONS))
                    return
                if late:
                    overrun = rng.randint(MINUTES_PER_DAY // 2, max(MINUTES_PER_DAY, budget // 3))
                    # Form 04, once, with a new appointment: by its deadline at the latest (at least a
                    # working day before the legal due moment); when that has passed, none is given.
                    apology_at = None
                    if plan.outcome == "late_apology":
                        apology_at = min(self.later(now, share * 0.2), apology_deadline(dossier))
                    if apology_at is not None and apology_at >= now:
                        used += working_minutes_between(now, apology_at)
                        now = apology_at
                        days = (overrun + MINUTES_PER_DAY) // MINUTES_PER_DAY + 1
                        dossier = self.act(
                            dossier,
                            now,
                            "apologise_extend",
                            leader,
                            plan,
                            days=str(days),
                            reason=rng.choice(APOLOGY_REASONS),
                        )
                    spend = share + overrun
                left = max(share * 0.05, spend - used)
                now = self.later(now, left * 0.9)
                dossier = self.act(dossier, now, "propose", specialist, plan)
                now = self.later(now, left * 0.1)
            else:
                now = self.later(now, spend)
            if index == approve_at:
                dossier = self.act(dossier, now, "approve", self.actor(agency_id, Role.LEADER), plan)
                now = self.later(now, 5)
            if index == len(steps) - 1:
                dossier = self.act(dossier, now, "mark_result_ready", worker, plan)
                # Collected on the appointment day at the latest (online results at once).
                due = dossier.extended_due_at or dossier.due_at
                returned = self.later(now, rng.randint(5, 240))
                if returned > due and now <= due:
                    returned = now + dt.timedelta(minutes=1)
                method = "online" if dossier.channel == Channel.ONLINE and rng.random() < 0.7 else "desk"
                if method == "online":
                    # The electronic result the applicant downloads from "my dossiers".
                    self.at(now)
                    dossier = result_attach(
                        actor=worker,
                        dossier_code=dossier.code,
                        version=dossier.version,
                        upload=SimpleUploadedFile(f"ket-qua-{dossier.code}.pdf", demo_result_pdf(dossier)),
                    )
                self.act(dossier, returned, "return_result", desk_officer, plan, method=method)
                return
            dossier = self.act(dossier, now, "forward", worker, plan)


def demo_result_pdf(dossier: Dossier) -> bytes:
    """A small valid one-page PDF standing for a dossier's signed result (instant, unlike WeasyPrint).
    The standard fonts have no Vietnamese glyphs, so its text is unaccented."""
    text = f"Ket qua giai quyet ho so {dossier.code} - {dossier.procedure_version.procedure.code}"
    stream = f"BT /F1 14 Tf 56 780 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _staff(agencies: list[Agency]) -> dict[tuple[int, str], User]:
    """A receiving officer at every desk agency, a specialist and a leader at every agency; the demo
    users of `motcua.demo.loader` take their own seats (motcua, chuyenvien, lanhdao)."""
    seats: dict[tuple[int, str], User] = {}
    for membership in Membership.objects.filter(
        role__in=[Role.RECEIVING_OFFICER, Role.SPECIALIST, Role.LEADER], agency__in=agencies
    ).select_related("user"):
        seats.setdefault((membership.agency_id, membership.role), membership.user)
    desk_agencies = set(Desk.objects.values_list("agency_id", flat=True))
    rng = random.Random(7)
    for agency in agencies:
        roles = [Role.SPECIALIST, Role.LEADER]
        if agency.pk in desk_agencies:
            roles.insert(0, Role.RECEIVING_OFFICER)
        for role in roles:
            if (agency.pk, role) in seats:
                continue
            username = f"demo.{agency.identifier}.{role}".lower()
            user = User.objects.filter(username=username).first()
            if user is None:
                female = rng.random() < 0.5
                name = " ".join(
                    [
                        rng.choice(FAMILY_NAMES),
                        rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
                        rng.choice(GIVEN_FEMALE if female else GIVEN_MALE),
                    ]
                )
                user = User(username=username, full_name=name, is_staff=True)
                user.set_unusable_password()  # staff seats of the demo history, not for signing in
                user.save()
            Membership.objects.get_or_create(user=user, agency=agency, role=role)
            seats[(agency.pk, role)] = user
    return seats


def _citizens(demo_rng: random.Random, count: int) -> list[tuple[User, ApplicantData]]:
    """Applicants with an account (online filing, tracking their dossiers, rating them)."""
    maker = _Demo(demo_rng, _Clock(timezone.now()), timezone.now(), {}, [], [])
    pool = []
    for n in range(1, count + 1):
        data = maker.person()
        username = f"demo.citizen.{n:03d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=data.name, personal_identifier=data.identifier)
            user.set_unusable_password()
            user.save()
            Membership.objects.get_or_create(user=user, agency=None, role=Role.CITIZEN)
        else:
            data = ApplicantData(
                name=user.full_name,
                identifier=user.personal_identifier,
                phone=data.phone,
                address=data.address,
            )
        pool.append((user, data))
    congdan = User.objects.filter(username="congdan").first()
    if congdan is not None:  # the demo citizen who signs in sees dossiers of their own
        pool.append(
            (
                congdan,
                ApplicantData(
                    name=congdan.full_name or "Lường Thị Công Dân",
                    identifier="014190001234",
                    phone="0912345678",
                    address="Tổ 2, phường Tô Hiệu, tỉnh Sơn La",
                ),
            )
        )
    return pool


def _plan(rng: random.Random, n: int, version: ProcedureVersion) -> _Plan:
    """The n-th dossier's fate: deterministic shares for the rare outcomes, so that even a short demo
    has each of them and about 98 % of the finished dossiers are on time."""
    online_ok = version.online_service != "none"
    roll = rng.random()
    if online_ok and roll < 0.45:
        channel = Channel.ONLINE
    elif version.accepts_post and roll < 0.55:
        channel = Channel.POST
    else:
        channel = Channel.DESK
    plan = _Plan(channel=channel)
    long_enough = version.time_limit_hours >= 24
    cycle = n % 100
    if cycle == 13:
        plan.outcome = "late"
    elif cycle == 41:
        plan.outcome = "late_apology" if long_enough else "late"
    elif cycle in (7, 57):
        plan.outcome = "refused"
        plan.channel = Channel.ONLINE if online_ok else Channel.POST
    elif cycle == 29:
        plan.outcome = "withdrawn"
    elif cycle == 83:
        plan.outcome = "stopped"
    if plan.channel != Channel.DESK and rng.random() < 0.06:
        plan.completion = True
    if plan.outcome not in ("refused",):
        extra = rng.random()
        plan.supplement = extra < 0.07
        plan.suspend = 0.07 <= extra < 0.09 and long_enough
        plan.consult = version.competent_agency is not None and long_enough and rng.random() < 0.12
    return plan


def _working_days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        if is_working_day(day):
            yield day
        day += dt.timedelta(days=1)


@contextmanager
def _simulated_clock(clock: _Clock):
    """The services read `timezone.now()`; historical events notify nobody."""
    with (
        mock.patch("django.utils.timezone.now", clock.now),
        mock.patch.object(services, "EVENT_HOOKS", []),
    ):
        yield


def demo_size() -> dict[str, int]:
    """How much history `make run` plays: a year of about 4 dossiers a working day (~1,000, under a
    minute on SQLite), or what MOTCUA_DEMO_DOSSIER_DAYS / MOTCUA_DEMO_DOSSIERS_PER_DAY say. Under
    pytest the default is a few days, so tests that load the demo province stay fast."""
    under_test = "PYTEST_CURRENT_TEST" in os.environ
    return {
        "days": int(os.environ.get("MOTCUA_DEMO_DOSSIER_DAYS", 5 if under_test else 365)),
        "per_day": int(os.environ.get("MOTCUA_DEMO_DOSSIERS_PER_DAY", 4)),
    }


def demo_dossiers_exist() -> bool:
    return Dossier.objects.filter(idempotency_key__contains=f":{DEMO_KEY}").exists()


def dossiers_load_demo(*, days: int = 365, per_day: int = 4, seed: int = 14) -> dict[str, int]:
    """Play `days` days (up to now) of about `per_day` dossiers a working day through the workflow.

    Idempotent: does nothing when demo dossiers exist (or when `days` is 0). Needs the demo province (agencies, desks,
    procedures, staff) loaded. Returns the number of dossiers per status.
    """
    if days <= 0 or demo_dossiers_exist():
        return {}
    real_now = timezone.now()
    rng = random.Random(seed)
    agencies = list(Agency.objects.filter(is_active=True).order_by("identifier"))
    desks = list(Desk.objects.filter(is_active=True).select_related("agency").order_by("id"))
    provincial_desk = next(d for d in desks if d.agency.kind == AgencyKind.SERVICE_CENTRE)
    commune_desks = [d for d in desks if d.agency.kind == AgencyKind.PEOPLES_COMMITTEE]
    versions = list(
        ProcedureVersion.objects.filter(is_current=True)
        .select_related("procedure", "competent_agency")
        .prefetch_related("fees")
        .order_by("procedure__code")
    )
    commune_versions = [v for v in versions if v.competent_agency_id is None]
    province_versions = [v for v in versions if v.competent_agency_id is not None]
    free_sale = next((v for v in versions if v.procedure.code == FREE_SALE_CODE), None)
    departments = [a for a in agencies if a.kind == AgencyKind.DEPARTMENT]

    with transaction.atomic():
        demo = _Demo(
            rng=rng,
            clock=_Clock(real_now),
            horizon=real_now,
            staff=_staff(agencies),
            citizens=_citizens(random.Random(seed + 1), 120),
            departments=departments,
        )
        today = timezone.localtime(real_now).date()
        with _simulated_clock(demo.clock):
            for day in _working_days(today - dt.timedelta(days=days), today):
                count = max(1, round(per_day * rng.uniform(0.6, 1.4)))
                receipts = []
                for _n in range(count):
                    # Two dossiers in three are commune matters (civil status, attestation).
                    if rng.random() < 0.62 and commune_versions:
                        version, desk = rng.choice(commune_versions), rng.choice(commune_desks)
                    else:
                        version = (
                            free_sale if free_sale and rng.random() < 0.08 else rng.choice(province_versions)
                        )
                        desk = provincial_desk if rng.random() < 0.85 else rng.choice(commune_desks)
                    moment = dt.datetime.combine(
                        day, dt.time(7, 30), tzinfo=timezone.get_current_timezone()
                    ) + dt.timedelta(minutes=rng.choice([rng.randint(0, 240), rng.randint(360, 600)]))
                    receipts.append((moment, version, desk))
                for moment, version, desk in sorted(receipts, key=lambda r: r[0]):
                    demo.play(version, desk, moment, _plan(rng, demo.counter + 1, version))
            _showcase(demo, today, versions, provincial_desk, commune_desks[0], free_sale)
        demo.clock.moment = real_now
    counts: dict[str, int] = {}
    for status in Dossier.objects.filter(code__in=demo.created).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def _showcase(
    demo: _Demo, today: dt.date, versions, provincial_desk: Desk, commune_desk: Desk, free_sale
) -> None:
    """A handful of recent dossiers held in each open state, so every screen has something to show."""
    recent = [d for d in _working_days(today - dt.timedelta(days=14), today - dt.timedelta(days=1))]
    if len(recent) < 4:
        return
    tz = timezone.get_current_timezone()
    long_version = free_sale or next(v for v in versions if v.competent_agency_id is not None)
    birth = next((v for v in versions if v.competent_agency_id is None), long_version)
    scenes = [
        (S.SUBMITTED, Channel.ONLINE, {}, long_version, provincial_desk, recent[-1]),
        (S.NEEDS_COMPLETION, Channel.ONLINE, {"completion": True}, long_version, provincial_desk, recent[-1]),
        (S.RECEIVED, Channel.DESK, {}, long_version, provincial_desk, recent[-1]),
        (S.IN_PROGRESS, Channel.DESK, {}, long_version, provincial_desk, recent[-2]),
        (
            S.AWAITING_SUPPLEMENT,
            Channel.DESK,
            {"supplement": True},
            long_version,
            provincial_desk,
            recent[-3],
        ),
        (S.SUSPENDED, Channel.DESK, {"suspend": True}, long_version, provincial_desk, recent[-3]),
        (S.RESULT_READY, Channel.DESK, {}, birth, commune_desk, recent[-4]),
        # The demo citizen finds one of their own dossiers waiting for a supplement, to try that page.
        (
            S.AWAITING_SUPPLEMENT,
            Channel.ONLINE,
            {"supplement": True, "demo_citizen": True},
            birth,
            commune_desk,
            recent[-2],
        ),
    ]
    for status, channel, flags, version, desk, day in scenes:
        moment = dt.datetime.combine(day, dt.time(8, 15), tzinfo=tz)
        demo.play(version, desk, moment, _Plan(channel=channel, stop_at=status, **flags))

    # The staff one can sign in as (motcua.demo.loader's demo users; the other seats have no password) find
    # work waiting in their own agency: dossiers of its procedures received over the last days, each left
    # wherever its ordinary course has reached by now (reception, appraisal, signature…).
    signable = {
        agency_id
        for (agency_id, role), user in demo.staff.items()
        if role in (Role.SPECIALIST, Role.LEADER) and user.get_username() in SHOWCASE_STAFF
    }
    own = [v for v in versions if v.competent_agency_id in signable]
    for back, hour in ((1, 9), (2, 14), (3, 10), (5, 8), (7, 15)):
        if own and back <= len(recent):
            moment = dt.datetime.combine(recent[-back], dt.time(hour, 0), tzinfo=tz)
            version = own[back % len(own)]
            demo.play(version, provincial_desk, moment, _Plan(channel=Channel.DESK))
    # …and one forgotten since its hand-over, now past its legal due moment: the overdue board, the task
    # list's late flag and the passed Form 04 deadline have something to show.
    if own:
        shortest = min(own, key=lambda v: v.time_limit_hours)
        working = int(shortest.time_limit_hours) // int(settings.MOTCUA_WORKDAY_HOURS)
        earlier = list(
            _working_days(today - dt.timedelta(days=3 * working + 14), today - dt.timedelta(days=1))
        )
        if len(earlier) > working + 2:
            moment = dt.datetime.combine(earlier[-(working + 2)], dt.time(9, 30), tzinfo=tz)
            demo.play(shortest, provincial_desk, moment, _Plan(channel=Channel.DESK, stop_at=S.IN_PROGRESS))
