"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over petitions (PAKN).

services = active petition categories (service_code = category code); requests = petitions
(service_request_id = tracking code). Every method answers in XML and JSON (`.xml` / `.json`
suffix); errors use the specification's error format with the matching HTTP status.

Mapping choices, where the specification leaves them to the server:
- `status`: open while the petition waits for its answer (received, classified, assigned); closed
  once answered, published or rejected. `status_notes` carries the published answer or the reason
  for a rejection.
- `GET requests` shows only petitions whose submitters agreed to publication (requests filed
  through Open311 count as public, since the client publishes them itself) and never contact data.
- `GET requests` without dates covers the last 90 days; a range may not span more than 90 days;
  at most 1000 requests are returned, newest first.
- `jurisdiction_id` is optional; when given it must be the province code (MOTCUA_PROVINCE_CODE) or
  one of MOTCUA_OPEN311_JURISDICTIONS.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from motcua.core.errors import DomainError
from motcua.feedback import selectors, services
from motcua.feedback.choices import OPEN_STATUSES, PetitionStatus
from motcua.feedback.models import Petition

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
DEFAULT_WINDOW = dt.timedelta(days=90)
MAX_REQUESTS = 1000

# The fields of a service request, in the specification's order.
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = str(description)


# --- rendering ------------------------------------------------------------------------------------------


def _xml_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml_fill(element: ET.Element, data: dict, item_tags: dict[str, str]) -> None:
    for key, value in data.items():
        child = ET.SubElement(element, key)
        if isinstance(value, list):
            for item in value:
                _xml_fill(ET.SubElement(child, item_tags.get(key, "item")), item, item_tags)
        elif isinstance(value, dict):
            _xml_fill(child, value, item_tags)
        else:
            child.text = _xml_text(value)


def _render(
    fmt: str, payload, *, root: str, item: str | None = None, status: int = 200, item_tags: dict | None = None
) -> HttpResponse:
    """`payload` (a list of dicts under `root`/`item`, or one dict under `root`) as JSON or XML."""
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False)
        return HttpResponse(body.encode("utf-8"), content_type=JSON_TYPE, status=status)
    element = ET.Element(root)
    if item is None:
        _xml_fill(element, payload, item_tags or {})
    else:
        for row in payload:
            _xml_fill(ET.SubElement(element, item), row, item_tags or {})
    return HttpResponse(
        XML_DECLARATION + ET.tostring(element, encoding="utf-8", xml_declaration=False),
        content_type=XML_TYPE,
        status=status,
    )


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(
        fmt, [{"code": status, "description": description}], root="errors", item="error", status=status
    )


def _endpoint(view):
    """Turn Open311Error and domain errors into the specification's error format."""

    def wrapped(request: HttpRequest, fmt: str, *args, **kwargs):
        try:
            _check_jurisdiction(request)
            return view(request, fmt, *args, **kwargs)
        except Open311Error as exc:
            return _error(fmt, exc.status, exc.description)
        except DomainError as exc:
            return _error(fmt, 400 if exc.status not in (403, 404) else exc.status, exc.message)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- input ----------------------------------------------------------------------------------------------


def _param(request: HttpRequest, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return (source.get(name) or request.GET.get(name) or "").strip()


def _check_jurisdiction(request: HttpRequest) -> None:
    jurisdiction = _param(request, "jurisdiction_id")
    if not jurisdiction:
        return
    allowed = {str(settings.MOTCUA_PROVINCE_CODE), *settings.MOTCUA_OPEN311_JURISDICTIONS}
    if jurisdiction not in allowed:
        raise Open311Error(404, _("jurisdiction_id not found: %(value)s") % {"value": jurisdiction})


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _parse_moment(name: str, value: str) -> dt.datetime | None:
    if not value:
        return None
    # A '+' of an offset arrives as a space when the client did not URL-encode it.
    parsed = None
    try:
        parsed = parse_datetime(value.replace(" ", "+"))
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(
            400, _("%(name)s is not an ISO 8601 date and time, e.g. 2010-05-24T00:00:00Z.") % {"name": name}
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _parse_coordinate(name: str, value: str, limit: float) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > limit:
        raise Open311Error(400, _("%(name)s is not a valid WGS84 coordinate.") % {"name": name})
    return number


def _iso(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# --- views ----------------------------------------------------------------------------------------------


def _service(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


@_endpoint
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET services: the petition categories."""
    _require_method(request, "GET")
    rows = [_service(c) for c in selectors.categories_active()]
    return _render(fmt, rows, root="services", item="service")


@_endpoint
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    """GET service definition: no extra attributes are asked for any category."""
    _require_method(request, "GET")
    category = selectors.categories_active().filter(code=service_code).first()
    if category is None:
        raise Open311Error(404, _("service_code not found: %(code)s") % {"code": service_code})
    return _render(fmt, {"service_code": category.code, "attributes": []}, root="service_definition")


@csrf_exempt
@_endpoint
def requests_collection(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET requests (search) or POST requests (create, with api_key)."""
    if request.method == "POST":
        return _create_request(request, fmt)
    _require_method(request, "GET")
    return _render(
        fmt, [_request_row(p) for p in _search_requests(request)], root="service_requests", item="request"
    )


@_endpoint
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    """GET one service request."""
    _require_method(request, "GET")
    petition = selectors.petitions_open311().filter(code=service_request_id).first()
    if petition is None:
        raise Open311Error(404, _("service_request_id not found: %(id)s") % {"id": service_request_id})
    return _render(fmt, [_request_row(petition)], root="service_requests", item="request")


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Anything else under /open311/v2/: a 404 in the specification's format (JSON if asked)."""
    fmt = "json" if path.endswith(".json") else "xml"
    return _error(fmt, 404, _("Unknown resource or format; use .xml or .json."))


def _require_method(request: HttpRequest, method: str) -> None:
    if request.method not in (method, "HEAD" if method == "GET" else method):
        raise Open311Error(405, _("Method not allowed."))


def _service_notice() -> str:
    return _("The competent agency answers within 10 working days; the answer is published on the portal.")


def _create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    client = services.open311_client_authenticate(_param(request, "api_key"))
    if client is None:
        raise Open311Error(403, _("Invalid api_key received -- can't proceed with create_request."))
    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, _("service_code is required."))
    category = selectors.categories_active().filter(code=code).first()
    if category is None:
        raise Open311Error(400, _("service_code not found: %(code)s") % {"code": code})
    lat = _parse_coordinate("lat", _param(request, "lat"), 90)
    long = _parse_coordinate("long", _param(request, "long"), 180)
    address_string = _param(request, "address_string")
    address_id = _param(request, "address_id")
    if (lat is None) != (long is None):
        raise Open311Error(400, _("lat and long must be given together."))
    if lat is None and not address_string and not address_id:
        raise Open311Error(400, _("A location is required: lat and long, address_string or address_id."))
    email = _param(request, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise Open311Error(400, _("email is not a valid e-mail address.")) from exc
    media_url = _param(request, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError as exc:
            raise Open311Error(400, _("media_url is not a valid http(s) URL.")) from exc
    petition = services.petition_submit_open311(
        client=client,
        category=category,
        description=_param(request, "description"),
        latitude=lat,
        longitude=long,
        address_string=address_string,
        address_id=address_id,
        email=email,
        first_name=_param(request, "first_name"),
        last_name=_param(request, "last_name"),
        phone=_param(request, "phone"),
        media_url=media_url,
    )
    row = {"service_request_id": petition.code, "service_notice": _service_notice(), "account_id": None}
    return _render(fmt, [row], root="service_requests", item="request")


def _search_requests(request: HttpRequest) -> Iterable[Petition]:
    qs = selectors.petitions_open311()
    ids = _split(_param(request, "service_request_id"))
    if ids:  # the specification: it overrides every other argument
        return qs.filter(code__in=ids[:MAX_REQUESTS]).order_by("-received_at")
    codes = _split(_param(request, "service_code"))
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = _split(_param(request, "status"))
    if statuses:
        unknown = set(statuses) - {"open", "closed"}
        if unknown:
            raise Open311Error(400, _("status must be open or closed."))
        if statuses and set(statuses) != {"open", "closed"}:
            qs = (
                qs.filter(status__in=OPEN_STATUSES)
                if "open" in statuses
                else qs.exclude(status__in=OPEN_STATUSES)
            )
    start = _parse_moment("start_date", _param(request, "start_date"))
    end = _parse_moment("end_date", _param(request, "end_date"))
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - DEFAULT_WINDOW
    if end is None:
        end = start + DEFAULT_WINDOW
    if start > end:
        raise Open311Error(400, _("start_date is after end_date."))
    if end - start > DEFAULT_WINDOW:
        raise Open311Error(400, _("The date range may not span more than 90 days."))
    qs = qs.filter(received_at__gte=start, received_at__lte=end)
    return qs.order_by("-received_at", "-id")[:MAX_REQUESTS]


def _request_row(petition: Petition) -> dict:
    is_open = petition.status in OPEN_STATUSES
    if petition.status == PetitionStatus.PUBLISHED:
        notes = petition.answer
    elif petition.status == PetitionStatus.REJECTED:
        notes = petition.rejection_reason
    else:
        notes = petition.get_status_display()
    row = {
        "service_request_id": petition.code,
        "status": "open" if is_open else "closed",
        "status_notes": str(notes),
        "service_name": petition.category.name,
        "service_code": petition.category.code,
        "description": petition.content,
        "agency_responsible": petition.agency.name if petition.agency_id else "",
        "service_notice": _service_notice(),
        "requested_datetime": _iso(petition.received_at),
        "updated_datetime": _iso(petition.updated_at),
        "expected_datetime": _iso(petition.due_at),
        "address": petition.location_address,
        "address_id": petition.location_address_id,
        "zipcode": "",
        "lat": petition.latitude,
        "long": petition.longitude,
        "media_url": petition.media_url,
    }
    return row
