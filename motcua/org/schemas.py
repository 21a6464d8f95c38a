from ninja import Schema


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"


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
