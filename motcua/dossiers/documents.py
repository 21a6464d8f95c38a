"""The seven forms of Circular 03/2025/TT-VPCP Annex I, built from a dossier and its event log.

Every figure a form prints comes from the dossier row, its hand-overs or its events: the receipt
moment and appointment from the `receive` event, the reasons from the `request_*`, `refuse` and
`stop` events, the new appointment from the `apologise_extend` event, the control slip from the
hand-overs. Nothing is typed in by hand, so a reprint always says what happened.

The legal wording of the forms is Vietnamese content and lives in the templates
(`templates/dossiers/documents/`); this module only gathers the facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.catalog.choices import DocumentForm, SupplementPolicy, TimeLimitUnit
from motcua.core.errors import NotFound
from motcua.dossiers.choices import Channel, DossierAction, DossierStatus, ReturnMethod, StepKind
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, HandOver
from motcua.dossiers.timeliness import Timeliness, timeliness
from motcua.org.models import Agency

A = DossierAction


@dataclass(frozen=True)
class FormSpec:
    """One form of Annex I: its number, legal name (Vietnamese content), document symbol and who may read it."""

    number: str
    title: str
    symbol: str
    for_applicant: bool  # the applicant may download it for their own dossier
    issued_by: tuple[str, ...] = ()  # the actions that issue it; empty = issued on receipt


FORMS: dict[str, FormSpec] = {
    spec.number: spec
    for spec in (
        FormSpec("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "TNHS", True, (A.RECEIVE,)),
        FormSpec(
            "02",
            "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            "YCBS",
            True,
            (A.REQUEST_COMPLETION, A.REQUEST_SUPPLEMENT),
        ),
        FormSpec("03", "Phiếu từ chối tiếp nhận, giải quyết hồ sơ", "TCHS", True, (A.REFUSE,)),
        FormSpec("04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", "XLHS", True, (A.APOLOGISE_EXTEND,)),
        FormSpec("05", "Thông báo dừng giải quyết hồ sơ", "TB-DGQ", True, (A.STOP,)),
        FormSpec("06", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "KSQT", False, (A.RECEIVE,)),
        FormSpec("07", "Sổ theo dõi hồ sơ", "STD", False, (A.RECEIVE,)),
    )
}

# Legal wording for choices stored in English (Vietnamese content of the forms).
DOCUMENT_FORM_VI = {
    DocumentForm.ORIGINAL: "Bản chính",
    DocumentForm.CERTIFIED_COPY: "Bản sao chứng thực",
    DocumentForm.COPY: "Bản sao",
    DocumentForm.ORIGINAL_OR_COPY: "Bản chính hoặc bản sao",
}
RETURN_METHOD_VI = {
    ReturnMethod.DESK: "Trực tiếp tại Bộ phận Một cửa",
    ReturnMethod.POST: "Qua dịch vụ bưu chính công ích",
    ReturnMethod.ONLINE: "Trực tuyến",
}
STATUS_VI = {
    DossierStatus.SUBMITTED: "Chờ tiếp nhận",
    DossierStatus.NEEDS_COMPLETION: "Chờ hoàn thiện hồ sơ",
    DossierStatus.REJECTED: "Từ chối tiếp nhận",
    DossierStatus.RECEIVED: "Đã tiếp nhận",
    DossierStatus.IN_PROGRESS: "Đang giải quyết",
    DossierStatus.AWAITING_SUPPLEMENT: "Chờ bổ sung hồ sơ",
    DossierStatus.SUSPENDED: "Tạm dừng",
    DossierStatus.RESULT_READY: "Đã có kết quả",
    DossierStatus.RETURNED: "Đã trả kết quả",
    DossierStatus.STOPPED: "Dừng giải quyết",
    DossierStatus.WITHDRAWN: "Rút hồ sơ",
}
CHANNEL_VI = {
    Channel.DESK: "Trực tiếp",
    Channel.POST: "Qua dịch vụ bưu chính công ích",
    Channel.ONLINE: "Trực tuyến",
}


def moment(value: dt.datetime | None) -> str:
    """A moment as the forms print it: hh:mm dd/mm/yyyy, local time."""
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def long_date(value: dt.datetime | dt.date | None) -> str:
    """ "ngày 02 tháng 03 năm 2026", the date line of an administrative document."""
    if value is None:
        return "ngày …… tháng …… năm ……"
    day = timezone.localdate(value) if isinstance(value, dt.datetime) else value
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def _payload_moment(event: DossierEvent | None, key: str) -> dt.datetime | None:
    raw = (event.payload or {}).get(key) if event else None
    if isinstance(raw, dt.datetime):
        return raw
    return parse_datetime(raw) if isinstance(raw, str) and raw else None


# --- the event log -----------------------------------------------------------------------------------------


def _events(dossier: Dossier) -> list[DossierEvent]:
    """The dossier's events in order (prefetched by `selectors.dossier_for`)."""
    return sorted(dossier.events.all(), key=lambda e: e.seq)


def _steps(dossier: Dossier) -> list[DossierStep]:
    return list(dossier.steps.all())


def issuing_events(dossier: Dossier, number: str) -> list[DossierEvent]:
    """The events that issued form `number` for this dossier, oldest first."""
    spec = FORMS[number]
    return [e for e in _events(dossier) if e.action in spec.issued_by]


def available_forms(dossier: Dossier, *, for_applicant: bool = False) -> list[FormSpec]:
    """The forms this dossier has been issued (to date), limited to the applicant's when asked."""
    actions = {e.action for e in _events(dossier)}
    return [
        spec
        for spec in FORMS.values()
        if actions & set(spec.issued_by) and (spec.for_applicant or not for_applicant)
    ]


def _issuing_event(dossier: Dossier, number: str, seq: int | None) -> DossierEvent:
    events = issuing_events(dossier, number)
    if seq is not None:
        events = [e for e in events if e.seq == seq]
    if not events:
        raise NotFound(_("This form has not been issued for this dossier."), code="form_not_issued")
    return events[-1]


def _agency_before(dossier: Dossier, event: DossierEvent) -> Agency:
    """The agency holding the dossier just before `event`: the target of the last process hand-over
    recorded by an earlier event, or the receiving agency before any."""
    steps = {s.pk: s for s in _steps(dossier)}
    holder = dossier.receiving_agency
    hand_overs = sorted(dossier.hand_overs.all(), key=lambda h: (h.event_seq, h.pk))
    for h in hand_overs:
        step = steps.get(h.step_id)
        if h.event_seq < event.seq and step is not None and step.kind == StepKind.PROCESS:
            holder = h.to_agency
    return holder


# --- pieces shared by the forms ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    """The header of a form: the governing body (line 1) and the issuing body (line 2, bold)."""

    parent: str
    name: str
    place: str
    phone: str


def _issuer_of_agency(agency: Agency) -> Issuer:
    parent = agency.parent.name if agency.parent_id else ""
    place = agency.unit.name if agency.unit_id else ""
    return Issuer(parent=parent, name=agency.name, place=place, phone=agency.phone)


def _issuer_of_desk(dossier: Dossier) -> Issuer:
    agency = dossier.receiving_agency
    base = _issuer_of_agency(agency)
    desk = dossier.receiving_desk
    if desk is None:
        return base
    return Issuer(parent=agency.name, name=desk.name, place=base.place, phone=desk.phone or agency.phone)


def qr_payload(dossier: Dossier, spec: FormSpec, issued_at: dt.datetime | None) -> str:
    """What the QR code at the top left carries (Circular 01/2023): the dossier code, the procedure
    code, the applicant's identifier and the document's name, plus its form number and moment.

    It is the public tracking URL with the code filled in, so a phone camera opens the dossier's status;
    the legal fields follow the `#`, which browsers never send to the server, so the identifier stays out
    of access logs while any reader can still parse them (application/x-www-form-urlencoded, UTF-8)."""
    legal = urlencode(
        {
            "ma_tthc": dossier.procedure_version.procedure.code,
            "so_dinh_danh": dossier.applicant_identifier,
            "ten_giay_to": spec.title,
            "mau_so": spec.number,
            "thoi_diem": moment(issued_at),
        }
    )
    return f"{settings.SITE_ROOT.rstrip('/')}/tra-cuu/?{urlencode({'ma': dossier.code})}#{legal}"


def _time_limit(dossier: Dossier) -> str:
    version = dossier.procedure_version
    if version.time_limit_text:
        return version.time_limit_text
    value = version.time_limit_value.normalize()
    unit = "giờ làm việc" if version.time_limit_unit == TimeLimitUnit.WORKING_HOURS else "ngày làm việc"
    return f"{value:f} {unit}"


@dataclass(frozen=True)
class ReceivedDocument:
    position: int
    name: str
    form: str
    count: int
    optional: bool


def _documents(dossier: Dossier, received: list[int] | None = None) -> list[ReceivedDocument]:
    """The documents handed in: those the officer checked at reception (`received`, positions in the
    procedure version's list) when recorded, else the version's whole list (thành phần hồ sơ)."""
    return [
        ReceivedDocument(
            position=d.position,
            name=d.name,
            form=DOCUMENT_FORM_VI.get(d.form, d.form),
            count=d.count,
            optional=d.is_optional,
        )
        for d in dossier.procedure_version.documents.order_by("position")
        if received is None or d.position in received
    ]


def _base(dossier: Dossier, spec: FormSpec, *, issuer: Issuer, event: DossierEvent | None) -> dict:
    issued_at = event.created_at if event else None
    return {
        "form": spec,
        "dossier": dossier,
        "issuer": issuer,
        "issued_at": moment(issued_at),
        "issued_date": long_date(issued_at),
        "procedure_code": dossier.procedure_version.procedure.code,
        "procedure_name": dossier.procedure_version.name,
        "field_name": dossier.procedure_version.field.name,
        "qr_payload": qr_payload(dossier, spec, issued_at),
        "event": event,
        "signer": event.actor_name if event else "",
    }


# --- the register (Form 07) position of a dossier ------------------------------------------------------------


def register_scope(agency_id: int) -> Q:
    """The dossiers an agency's register holds: those it received or decides."""
    return Q(receiving_agency_id=agency_id) | Q(competent_agency_id=agency_id)


def _year_start(moment_: dt.datetime) -> dt.datetime:
    local = timezone.localtime(moment_)
    return local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def register_position(dossier: Dossier) -> tuple[int, int]:
    """(volume, sequence) of the dossier in the receiving agency's register for its field: one
    volume a year, numbered by receipt moment. Stored values win once a service allocates them."""
    if dossier.register_sequence:
        return dossier.register_volume or 1, dossier.register_sequence
    received = dossier.received_at
    earlier = (
        Dossier.objects.filter(
            register_scope(dossier.receiving_agency_id),
            procedure_version__field_id=dossier.procedure_version.field_id,
            received_at__gte=_year_start(received),
        )
        .filter(Q(received_at__lt=received) | Q(received_at=received, pk__lte=dossier.pk))
        .count()
    )
    return dossier.register_volume or 1, earlier


# --- one builder per form ----------------------------------------------------------------------------------


def calendar_moves(dossier: Dossier, *, after_seq: int) -> list[dict]:
    """The appointments a change of the working calendar moved after event `after_seq`, oldest first: when,
    from and to (hh:mm dd/mm/yyyy) and why. A reprinted Form 01 and the control slip list them under the
    appointment they printed, so the paper shows the appointment in force and the declaration behind it."""
    rows = []
    for e in _events(dossier):
        if e.seq <= after_seq or e.action != A.APPOINTMENT_MOVED:
            continue
        old, new = ((e.payload or {}).get("appointment_at") or [None, None])[:2]
        rows.append(
            {
                "at": moment(e.created_at),
                "old": moment(parse_datetime(old)) if old else "",
                "new": moment(parse_datetime(new)) if new else "",
                "reason": (e.payload or {}).get("reason", ""),
            }
        )
    return rows


def _form_01(dossier: Dossier, event: DossierEvent) -> dict:
    spec = FORMS["01"]
    ctx = _base(dossier, spec, issuer=_issuer_of_desk(dossier), event=event)
    volume, sequence = register_position(dossier)
    desk = dossier.receiving_desk
    if dossier.channel == Channel.ONLINE and desk is None:
        collect_at = "Trực tuyến, trên Cổng Dịch vụ công"
    elif desk is not None:
        collect_at = ", ".join(p for p in (desk.name, desk.address or dossier.receiving_agency.address) if p)
    else:
        collect_at = dossier.receiving_agency.name
    moves = calendar_moves(dossier, after_seq=event.seq)
    ctx.update(
        number=f"{sequence}/{spec.symbol}",
        received_at=moment(_payload_moment(event, "received_at") or event.created_at),
        appointment_at=moment(_payload_moment(event, "due_at")),
        calendar_moves=moves,
        time_limit=_time_limit(dossier),
        documents=_documents(dossier, event.payload.get("documents_received")),
        sets=event.payload.get("sets", 1),
        channel=CHANNEL_VI.get(dossier.channel, dossier.channel),
        collect_at=collect_at,
        register_volume=volume,
        register_sequence=sequence,
    )
    return ctx


def _form_02(dossier: Dossier, event: DossierEvent) -> dict:
    spec = FORMS["02"]
    before_reception = event.action == A.REQUEST_COMPLETION
    holder = dossier.receiving_agency if before_reception else _agency_before(dossier, event)
    issuer = (
        _issuer_of_desk(dossier) if holder.pk == dossier.receiving_agency_id else _issuer_of_agency(holder)
    )
    ctx = _base(dossier, spec, issuer=issuer, event=event)
    ctx.update(
        number=f"……/{spec.symbol}",
        before_reception=before_reception,
        reason=(event.payload or {}).get("reason", ""),
        requested_at=moment(event.created_at),
        received_at=moment(dossier.received_at),
        restart=dossier.procedure_version.supplement_policy == SupplementPolicy.RESTART,
        contact_phone=issuer.phone,
    )
    return ctx


def _form_03(dossier: Dossier, event: DossierEvent) -> dict:
    spec = FORMS["03"]
    ctx = _base(dossier, spec, issuer=_issuer_of_desk(dossier), event=event)
    ctx.update(
        number=f"……/{spec.symbol}",
        reason=(event.payload or {}).get("reason", ""),
        submitted_at=moment(dossier.submitted_at),
        refused_at=moment(event.created_at),
    )
    return ctx


def _appointment_before(dossier: Dossier, event: DossierEvent) -> dt.datetime | None:
    """The appointment in force before `event`: the last due moment an earlier event announced
    (the receipt, or a supplement that moved it)."""
    announced = None
    for e in _events(dossier):
        if e.seq >= event.seq:
            break
        if e.action in (A.RECEIVE, A.SUPPLEMENT, A.RESUME) and (due := _payload_moment(e, "due_at")):
            announced = due
    return announced


def _receive_event(dossier: Dossier) -> DossierEvent | None:
    return next((e for e in _events(dossier) if e.action == A.RECEIVE), None)


def _form_04(dossier: Dossier, event: DossierEvent) -> dict:
    spec = FORMS["04"]
    holder = _agency_before(dossier, event)
    ctx = _base(dossier, spec, issuer=_issuer_of_agency(holder), event=event)
    received = _receive_event(dossier)
    ctx.update(
        number=f"……/{spec.symbol}",
        agency_name=holder.name,
        received_date=long_date(received.created_at if received else dossier.received_at),
        received_at=moment(dossier.received_at),
        appointment_at=moment(_appointment_before(dossier, event)),
        new_appointment_at=moment(_payload_moment(event, "extended_due_at")),
        new_appointment_date=long_date(_payload_moment(event, "extended_due_at")),
        reason=(event.payload or {}).get("reason", ""),
    )
    return ctx


def _form_05(dossier: Dossier, event: DossierEvent) -> dict:
    spec = FORMS["05"]
    holder = _agency_before(dossier, event)
    ctx = _base(dossier, spec, issuer=_issuer_of_agency(holder), event=event)
    ctx.update(
        number=f"……/{spec.symbol}",
        agency_name=holder.name,
        desk_name=dossier.receiving_desk.name if dossier.receiving_desk_id else dossier.receiving_agency.name,
        received_at=moment(dossier.received_at),
        stopped_at=moment(event.created_at),
        reason=(event.payload or {}).get("reason", ""),
    )
    return ctx


# --- Form 06: the control slip --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlipRow:
    """One hand-over of the control slip: who gave, who received, when, and how timely the giver was."""

    position: int
    giver: str
    receiver: str
    given_at: str
    given_by: str
    received_at: str
    received_by: str
    status: Timeliness | None
    due_at: str
    note: str = ""

    @property
    def status_label(self) -> str:
        return self.status.legal_label if self.status else ""


@dataclass
class ControlSlip:
    rows: list[SlipRow] = field(default_factory=list)
    coordinating: list[str] = field(default_factory=list)
    outcome: Timeliness | None = None


def _finished_step(steps: list[DossierStep], agency_id: int, at: dt.datetime) -> DossierStep | None:
    """The step of `agency_id` that a hand-over at `at` completed (a forward or a consultation's
    answer finishes it at the very moment of the hand-over); None when the giver keeps working
    (a consultation sent out) or the step was later reopened."""
    done = [s for s in steps if s.agency_id == agency_id and s.finished_at == at]
    return max(done, key=lambda s: (s.kind == StepKind.PROCESS, s.position), default=None)


def _step_note(step: DossierStep | None) -> str:
    if step is None:
        return ""
    return "Lấy ý kiến phối hợp" if step.kind == StepKind.CONSULTATION else step.name


def control_slip(dossier: Dossier) -> ControlSlip:
    """The rows of Form 06 from the hand-overs, plus the result's way back to the desk (the
    `mark_result_ready` event) and its return to the applicant (the `return_result` event)."""
    steps = _steps(dossier)
    desk_name = dossier.receiving_desk.name if dossier.receiving_desk_id else dossier.receiving_agency.name
    agencies = {s.agency_id: s.agency for s in steps}
    agencies.setdefault(dossier.receiving_agency_id, dossier.receiving_agency)

    def label(agency_id: int) -> str:
        if agency_id == dossier.receiving_agency_id:
            return desk_name
        agency = agencies.get(agency_id)
        return agency.name if agency else str(agency_id)

    slip = ControlSlip()
    hand_overs: list[HandOver] = sorted(dossier.hand_overs.all(), key=lambda h: (h.given_at, h.pk))
    for h in hand_overs:
        done = _finished_step(steps, h.from_agency_id, h.given_at)
        slip.rows.append(
            SlipRow(
                position=len(slip.rows) + 1,
                giver=label(h.from_agency_id),
                receiver=label(h.to_agency_id),
                given_at=moment(h.given_at),
                given_by=h.given_by_name,
                received_at=moment(h.received_at),
                received_by=h.received_by_name,
                status=timeliness(h.given_at, done.due_at) if done else None,
                due_at=moment(done.due_at) if done else "",
                note=_step_note(done),
            )
        )
    events = _events(dossier)
    ready = next((e for e in events if e.action == A.MARK_RESULT_READY), None)
    returned = next((e for e in events if e.action == A.RETURN_RESULT), None)
    if ready is not None:
        holder = _agency_before(dossier, ready)
        done = _finished_step(steps, holder.pk, ready.created_at)
        slip.rows.append(
            SlipRow(
                position=len(slip.rows) + 1,
                giver=label(holder.pk),
                receiver=desk_name,
                given_at=moment(ready.created_at),
                given_by=ready.actor_name,
                # The desk's receipt of the result is not recorded apart from its return.
                received_at=moment(returned.created_at) if returned else "",
                received_by=returned.actor_name if returned else "",
                status=timeliness(ready.created_at, done.due_at) if done else None,
                due_at=moment(done.due_at) if done else "",
                note=_step_note(done),
            )
        )
    if returned is not None:
        slip.outcome = timeliness(returned.created_at, dossier.due_at)
        slip.rows.append(
            SlipRow(
                position=len(slip.rows) + 1,
                giver=desk_name,
                receiver="Tổ chức, cá nhân",
                given_at=moment(returned.created_at),
                given_by=returned.actor_name,
                received_at=moment(returned.created_at),
                received_by=dossier.authorised_person or dossier.applicant_name,
                status=slip.outcome,
                due_at=moment(dossier.due_at),
                note=RETURN_METHOD_VI.get(dossier.return_method, ""),
            )
        )
    slip.coordinating = sorted(
        {
            s.agency.name
            for s in steps
            if s.agency_id not in (dossier.competent_agency_id, dossier.receiving_agency_id)
            and (s.started_at is not None or s.kind == StepKind.CONSULTATION)
        }
    )
    return slip


def _form_06(dossier: Dossier, event: DossierEvent) -> dict:
    spec = FORMS["06"]
    ctx = _base(dossier, spec, issuer=_issuer_of_desk(dossier), event=event)
    ctx.update(
        calendar_moves=calendar_moves(dossier, after_seq=0),
        slip=control_slip(dossier),
        competent_name=dossier.competent_agency.name,
        received_at=moment(dossier.received_at),
        appointment_at=moment(dossier.appointment_at),
        due_at=moment(dossier.due_at),
    )
    return ctx


_BUILDERS = {"01": _form_01, "02": _form_02, "03": _form_03, "04": _form_04, "05": _form_05, "06": _form_06}


def form_context(dossier: Dossier, number: str, *, seq: int | None = None) -> dict:
    """The template context of form `number` (01–06) for `dossier`, issued by its event `seq` (the
    latest issuing event when None). NotFound when the form was never issued for this dossier."""
    if number not in _BUILDERS:
        raise NotFound(_("Unknown form."), code="form_not_found")
    event = _issuing_event(dossier, number, seq)
    return _BUILDERS[number](dossier, event)
