"""API shapes for ratings."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict


class RatingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    stars: int = Field(..., ge=1, le=5, description="1 (very unhappy) to 5 (very happy).")
    comment: str = Field("", max_length=2000)
    contacts: int = Field(
        ...,
        ge=0,
        le=100,
        description="How many times the applicant had to contact the desk to complete the dossier.",
    )


class RatingOut(Schema):
    dossier: str
    stars: int
    comment: str
    contacts: int
    resolved_at: dt.datetime
    due_at: dt.datetime
    total_time_score: int = Field(..., ge=0, le=2)
    unit_time_score: int = Field(..., ge=0, le=2)
    contacts_score: int = Field(..., ge=0, le=2)
    unit_scores: dict[str, int]
    created_at: dt.datetime


class RatingSummaryOut(Schema):
    agency: str | None
    count: int
    stars_average: float | None
    total_time_average: float | None
    unit_time_average: float | None
    contacts_average: float | None
    satisfied_share: float | None = Field(..., description="Share of ratings with 4 or 5 stars.")
    stars: dict[str, int] = Field(..., description="Number of ratings per star count.")
