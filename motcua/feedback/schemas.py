"""API shapes for petitions (PAKN)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class PetitionIn(Schema):
    category: str = Field(..., description="Category code (also the Open311 service_code).", max_length=40)
    subject: str = Field(..., max_length=255)
    content: str = Field(..., max_length=10_000)
    submitter_name: str = Field(..., max_length=150)
    submitter_phone: str = Field("", max_length=30)
    submitter_email: str = Field("", max_length=254)
    submitter_address: str = Field("", max_length=255)
    is_public: bool = Field(
        False, description="The submitter agrees to publication of the petition and answer."
    )


class PetitionCreatedOut(Schema):
    code: str
    status: str
    received_at: dt.datetime
    due_at: dt.datetime


class PetitionPublicOut(Schema):
    code: str
    category: str
    category_name: str
    subject: str
    content: str
    received_at: dt.datetime
    agency: str | None
    answer: str
    answered_at: dt.datetime | None
    published_at: dt.datetime | None


class PetitionPageOut(Schema):
    count: int
    items: list[PetitionPublicOut]
