"""Pages, exports, API and scope on the hand-built data set."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from motcua.org.choices import AgencyKind, Role
from motcua.org.models import Agency, Membership
from motcua.org.services import api_token_issue
from motcua.org.tests.factories import AgencyFactory, UserFactory
from motcua.stats import figures
from motcua.stats.tests import dataset
from motcua.stats.tests.dataset import HAND_COUNT

pytestmark = pytest.mark.django_db
PERIOD = {"from": "2026-03-01", "to": "2026-04-01"}


@pytest.fixture
def ds(world, clock):
    return dataset.build(world, clock)


@pytest.fixture
def reviewer(world):
    user = UserFactory(username="vera", full_name="Office reviewer")
    office = AgencyFactory(
        identifier="000.00.01.H52", name="Văn phòng UBND tỉnh", kind=AgencyKind.COMMITTEE_OFFICE
    )
    Membership.objects.create(user=user, agency=office, role=Role.OFFICE_REVIEWER)
    return user


def _total_cells(html: str) -> dict:
    return {c: int(v) for c, v in re.findall(r'data-total="(\w+)">(?:<a [^>]*>)?(\d+)', html)}


def test_staff_report_shows_the_hand_count_and_links_to_drill_down(client, ds, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("stats:report"), {**PERIOD, "group_by": "agency"})
    assert response.status_code == 200
    html = response.content.decode()
    assert _total_cells(html) == HAND_COUNT
    assert "data-on-time-rate>50%<" in html  # the on-time headline
    link = (
        re.search(r'href="(/thong-ke/ho-so/\?column=resolved_late[^"]*)"', html)
        .group(1)
        .replace("&amp;", "&")
    )
    drill = client.get(link)
    assert drill.status_code == 200
    codes = set(re.findall(r"<th scope=\"row\" data-code>([^<]+)<", drill.content.decode()))
    assert codes == {ds["P1"].code, ds["D3"].code}


def test_xlsx_holds_the_same_figures_as_the_page(client, ds, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("stats:report"), {**PERIOD, "group_by": "agency"}).content.decode()
    response = client.get(reverse("stats:report_export", args=["xlsx"]), {**PERIOD, "group_by": "agency"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    total = rows[-1]
    figures_in_sheet = dict(zip(figures.COLUMN_ORDER, total[2 : 2 + len(figures.COLUMN_ORDER)], strict=True))
    assert figures_in_sheet == HAND_COUNT == _total_cells(page)
    assert total[-1] == 50.0


def test_pdf_export(client, ds, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("stats:report_export", args=["pdf"]), PERIOD)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_bad_parameters_give_a_clear_page_not_a_500(client, ds, reviewer):
    client.force_login(reviewer)
    for params in ({"from": "x", "to": "2026-01-01"}, {**PERIOD, "group_by": "nope"}):
        response = client.get(reverse("stats:report"), params)
        assert response.status_code == 400 and b'role="alert"' in response.content
    assert client.get(reverse("stats:drill_down"), {**PERIOD, "column": "nope"}).status_code == 400


def test_report_requires_login_and_staff(client, ds, world):
    assert client.get(reverse("stats:report")).status_code == 302
    client.force_login(world.citizen)
    assert client.get(reverse("stats:report"), PERIOD).status_code == 403


def test_scope_department_staff_see_only_their_agency(client, ds, world):
    client.force_login(world.health_specialist)
    html = client.get(reverse("stats:report"), PERIOD).content.decode()
    assert _total_cells(html)["received_total"] == 1
    drill = client.get(reverse("stats:drill_down"), {**PERIOD, "column": "received_total"}).content.decode()
    assert re.findall(r"data-code>([^<]+)<", drill) == [ds["D9"].code]
    stranger_staff = UserFactory(username="sophie")
    Membership.objects.create(user=stranger_staff, agency=world.other, role=Role.SPECIALIST)
    client.force_login(stranger_staff)
    html = client.get(reverse("stats:report"), PERIOD).content.decode()
    assert _total_cells(html)["received_total"] == 0
    client.force_login(world.specialist)  # Department of Justice: every dossier but D9
    assert _total_cells(client.get(reverse("stats:report"), PERIOD).content.decode())["received_total"] == 8


def test_public_page_shows_aggregates_only(client, ds, world):
    response = client.get(reverse("stats:public"), PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<table" in html and "<svg" in html
    assert ds["D1"].code not in html and world.applicant().name not in html
    assert "50%" in html  # on-time headline
    assert client.get(reverse("stats:public"), {"from": "bad", "to": "x"}).status_code == 400


def _token(user):
    user.set_password("correct horse battery")
    user.save()
    return api_token_issue(username=user.username, password="correct horse battery")


@pytest.mark.parametrize("group_by", ["agency", "field", "level", "procedure", "month", "agency,month"])
def test_api_summary_each_dimension(client, ds, reviewer, group_by):
    token = _token(reviewer)
    response = client.get(
        "/api/v1/stats/summary", {**PERIOD, "group_by": group_by}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["from"] == "2026-03-01"
    total = {c: body["total"][c] for c in HAND_COUNT}
    assert total == HAND_COUNT and body["total"]["on_time_rate"] == 0.5
    summed = {c: sum(r[c] for r in body["rows"]) for c in HAND_COUNT}
    assert summed == HAND_COUNT  # one month only, so month rows sum too


def test_api_bad_input_is_400_code_message(client, ds, reviewer):
    token = _token(reviewer)
    for params in (
        {"group_by": "agency"},
        {**PERIOD, "group_by": "x"},
        {"from": "2026-04-01", "to": "2026-03-01"},
    ):
        response = client.get("/api/v1/stats/summary", params, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 400
        assert set(response.json()) >= {"code", "message"}
    assert client.get("/api/v1/stats/summary", PERIOD).status_code == 401


def test_xlsx_keeps_formula_like_names_as_text(client, ds, reviewer, world):
    # Issue 10, item 4: names come from the admin and the catalog import; none may run in Excel.
    Agency.objects.filter(pk=world.dept.pk).update(name="=cmd|' /C calc'!A0")
    client.force_login(reviewer)
    response = client.get(reverse("stats:report_export", args=["xlsx"]), {**PERIOD, "group_by": "agency"})
    ws = load_workbook(io.BytesIO(response.content)).active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "=cmd|' /C calc'!A0")
    assert cell.data_type == "s" and cell.quotePrefix
