"""API shapes for dossiers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict

from motcua.dossiers.choices import Channel, DossierStatus


class ApplicantIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    identifier: str = Field("", max_length=20, pattern=r"^[0-9A-Za-z]*$")
    phone: str = Field("", max_length=20, pattern=r"^[0-9 +().-]*$")
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    authorised_person: str = Field("", max_length=200)


class DossierIn(Schema):
    """An officer receives at `desk`; a citizen without a desk files online."""

    model_config = ConfigDict(extra="forbid")

    procedure: str = Field(..., max_length=40, description="Procedure code, e.g. 1.000894.")
    desk: int | None = Field(None, ge=1, le=2**31 - 1, description="Receiving desk id (officers).")
    agency: str | None = Field(
        None, max_length=20, description="Competent agency identifier when the procedure names none."
    )
    channel: Channel | None = None
    applicant: ApplicantIn
    fees_amount: Decimal = Field(Decimal(0), ge=0, le=Decimal("1e13"), decimal_places=0)
    fees_note: str = Field("", max_length=300)


class ActionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(..., ge=1, le=2**31 - 1, description="The dossier version the caller saw.")
    reason: str | None = Field(None, max_length=2000)
    note: str | None = Field(None, max_length=2000)
    opinion: str | None = Field(None, max_length=2000)
    assignee: str | None = Field(None, max_length=150, description="Username of the assignee.")
    agencies: list[str] | None = Field(None, max_length=20, description="Agencies to consult (identifiers).")
    agency: str | None = Field(None, max_length=20, description="The consulted agency that answers.")
    days: Decimal | None = Field(None, gt=0, le=60, description="Working days (consultation, extension).")
    new_appointment_at: dt.datetime | None = None
    method: str | None = Field(None, max_length=10, description="desk, post or online (return).")
    desk: int | None = Field(None, ge=1, le=2**31 - 1)
    fees_amount: Decimal | None = Field(None, ge=0, le=Decimal("1e13"), decimal_places=0)
    account: str | None = Field(
        None, max_length=254, description="link_applicant: the e-mail or phone the applicant signs in with."
    )
    identity_checked: bool | None = Field(
        None, description="link_applicant: the officer checked the applicant's identity papers."
    )


class ApplicantOut(Schema):
    name: str
    identifier: str
    phone: str
    email: str
    address: str
    authorised_person: str


class DossierOut(Schema):
    code: str
    status: DossierStatus
    version: int
    channel: Channel
    procedure_code: str
    procedure_name: str
    competent_agency: str
    receiving_agency: str
    current_agency: str | None
    current_step_position: int | None
    current_step_due_at: dt.datetime | None
    applicant: ApplicantOut
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    appointment_at: dt.datetime | None
    apology_issued: bool
    extended_due_at: dt.datetime | None
    result_ready_at: dt.datetime | None
    returned_at: dt.datetime | None
    result_code: str
    fees_amount: Decimal
    is_overdue: bool


class StepOut(Schema):
    kind: str
    position: int
    name: str
    agency: str
    role: str
    assignee: str | None
    started_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    parallel_group: int | None


class EventOut(Schema):
    seq: int
    action: str
    from_status: str
    to_status: str
    actor_name: str
    created_at: dt.datetime
    payload: dict


class ResultFileOut(Schema):
    name: str = Field(description="The file name as sent, for display.")
    size: int = Field(description="Bytes.")
    sha256: str = Field(
        description="SHA-256 of the content (hex), as recorded in the event that attached it."
    )
    content_type: str
    uploaded_at: dt.datetime
    uploaded_by_name: str


class DossierDetailOut(DossierOut):
    steps: list[StepOut]
    events: list[EventOut]
    result_file: ResultFileOut | None = Field(
        None,
        description="The electronic result: for staff once attached, for the applicant once returned online.",
    )


class ResultFileFormIn(Schema):
    """The form fields sent with the electronic result (multipart/form-data, the PDF in `file`)."""

    version: int = Field(..., ge=1, le=2**31 - 1, description="The dossier version the caller saw.")
    mark_ready: bool = Field(
        False, description="Mark the result ready in the same action (the dossier is in progress, approved)."
    )
    note: str = Field("", max_length=2000)


class DossierListOut(Schema):
    count: int = Field(description="How many dossiers match, at most 10,000.")
    count_exact: bool = Field(True, description="False when more than 10,000 match.")
    items: list[DossierOut]


class TrackEventOut(Schema):
    action: str
    status: str
    at: dt.datetime


class TrackOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    status: DossierStatus
    received_at: dt.datetime | None
    appointment_at: dt.datetime | None
    returned_at: dt.datetime | None
    late: bool = Field(description="Past the legal due moment, even when an apology set a new appointment.")
    history: list[TrackEventOut]
