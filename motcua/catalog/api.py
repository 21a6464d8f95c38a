from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field as PydanticField

from motcua.catalog import selectors
from motcua.catalog.schemas import ProcedureListOut, ProcedureOut

router = Router(tags=["catalog"])


class ProcedureFilter(Schema):
    q: str = PydanticField("", max_length=200, description="Words to find; diacritics and case are ignored.")
    agency: str | None = PydanticField(
        None, max_length=20, description="Competent agency's electronic identifier."
    )
    field: str | None = PydanticField(None, max_length=200, description="Field id or name.")
    level: str | None = PydanticField(None, max_length=20, description="Unit level code: province, commune…")
    limit: int = PydanticField(20, ge=1, le=100)
    offset: int = PydanticField(0, ge=0, le=1_000_000)


@router.get("/procedures", response=ProcedureListOut, summary="Search the procedures in force")
def procedure_list(request: HttpRequest, filters: Query[ProcedureFilter]):
    qs = selectors.procedures_current(
        q=filters.q, agency=filters.agency, field=filters.field, level=filters.level
    )
    return {"count": qs.count(), "items": list(qs[filters.offset : filters.offset + filters.limit])}


@router.get(
    "/procedures/{code}", response=ProcedureOut, summary="One procedure in force, with all its components"
)
def procedure_get(request: HttpRequest, code: str):
    return selectors.procedure_detail(code=code)
