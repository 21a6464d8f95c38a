import datetime as dt

from ninja import Field, Schema


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"


class TokenInfoOut(Schema):
    id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    active: bool
    revoked_reason: str = Field(
        description="Why it stopped working: user, admin, password, deactivated; empty"
    )


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    level: str
    parent: str | None

    @staticmethod
    def resolve_level(obj) -> str:
        return obj.level.code

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class AgencyOut(Schema):
    identifier: str
    name: str
    short_name: str
    kind: str
    unit: str

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code
