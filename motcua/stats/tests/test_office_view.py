"""Issue 9 item 8: the Office sees the province: the Decision 766 index on the statistics pages, the API
and the export; the form 06 PDF with its official header and signature block, no row split across pages;
the group-by options in Vietnamese."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from motcua.org.choices import AgencyKind, Role
from motcua.org.models import Membership
from motcua.org.services import api_token_issue
from motcua.org.tests.factories import AgencyFactory, UserFactory
from motcua.stats.tests import dataset
from motcua.stats.tests.dataset import END, START

PERIOD = {"from": START.isoformat(), "to": END.isoformat()}


@pytest.fixture
def ds(world, clock):
    return dataset.build(world, clock)


@pytest.fixture
def reviewer(world):
    office = AgencyFactory(
        identifier="000.00.01.H52", name="Văn phòng UBND tỉnh Sơn La", kind=AgencyKind.COMMITTEE_OFFICE
    )
    office.short_name = "Văn phòng UBND tỉnh"
    office.save()
    user = UserFactory(username="vera", full_name="Office reviewer", password="correct horse battery")
    Membership.objects.create(user=user, agency=office, role=Role.OFFICE_REVIEWER)
    return user


def test_index_page_shows_each_indicator_with_its_formula_and_points(client, ds, reviewer):
    client.force_login(reviewer)
    report = client.get(reverse("stats:report"), PERIOD).content.decode()
    assert reverse("stats:service_index") in report  # reachable from the report
    html = client.get(reverse("stats:service_index"), PERIOD).content.decode()
    # 2.1 = (early + on time) / resolved = 2 / 4 → 10 of 20 points, the formula beside it.
    row = re.search(r'<tr data-indicator="2.1">(.*?)</tr>', html, re.S).group(1)
    assert "(resolved_early + resolved_on_time) / resolved_total" in row
    assert re.search(r"data-score>10<", row)
    assert html.count("data-indicator=") == 15  # every indicator of the six groups, computed or not


def test_index_api_and_export_agree(client, ds, reviewer):
    token = api_token_issue(username="vera", password="correct horse battery")
    response = client.get("/api/v1/stats/service-index", PERIOD, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    body = response.json()
    by_code = {i["code"]: i for i in body["indicators"]}
    assert (by_code["2.1"]["numerator"], by_code["2.1"]["denominator"], by_code["2.1"]["score"]) == (
        2,
        4,
        10.0,
    )
    assert by_code["1.1"]["computed"] is False and by_code["1.1"]["note"]
    assert sum(i["points"] for i in body["indicators"]) == 100
    bad = client.get("/api/v1/stats/service-index", {"from": "x"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bad.status_code == 400 and set(bad.json()) >= {"code", "message"}

    client.force_login(reviewer)
    sheet = client.get(reverse("stats:service_index_export"), PERIOD)
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    row = next(r for r in rows if r[1] == "2.1")
    assert row[4:6] == (2, 4) and row[7] == 10.0
    assert rows[-1][7] == body["score"]


def test_group_by_options_read_in_vietnamese(client, ds, reviewer):
    client.force_login(reviewer)
    html = client.get(reverse("stats:report"), PERIOD).content.decode()
    options = dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', html))
    assert options["agency"] == "Theo cơ quan, đơn vị"
    assert options["agency,month"] == "Theo cơ quan và tháng"
    assert all(label != value for value, label in options.items())


def _pdf_text(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "form06.pdf"
    path.write_bytes(content)
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return out.stdout.decode().split("\f")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_form06_pdf_has_the_official_header_and_signature_block(client, ds, reviewer, tmp_path):
    client.force_login(reviewer)
    response = client.get(reverse("stats:report_export", args=["pdf"]), PERIOD)
    pages = _pdf_text(response.content, tmp_path)
    text = "\n".join(pages)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "VĂN PHÒNG UBND TỈNH" in text
    assert "NGƯỜI LẬP BIỂU" in text and "THỦ TRƯỞNG CƠ QUAN" in text


def test_form06_pdf_never_splits_a_row_across_pages(ds, reviewer):
    """Laid out by WeasyPrint itself: every table row box lies on one page, on a report long enough to
    need several pages with rows several lines high."""
    from weasyprint import HTML

    from motcua.dossiers.models import Dossier
    from motcua.stats import exports, figures

    report = figures.form06(Dossier.objects.all(), date_from=START, date_to=END, dimension="procedure")
    # Long group names wrap over several lines, so a page break can fall inside a row.
    long_rows = []
    for n in range(60):
        row = report.rows[0]
        long_rows.append(
            figures.Row(
                n, f"1.{n:06d}", "Thủ tục hành chính có tên rất dài để xuống dòng " * 3, None, row.figures
            )
        )
    report.rows = long_rows
    document = HTML(string=exports.report_print_html(report)).render()
    assert len(document.pages) >= 3
    rows_on_page: dict[int, set] = {}
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if type(box).__name__ == "TableRowBox" and box.element is not None:
                rows_on_page.setdefault(id(box.element), set()).add(number)
    split = [pages for pages in rows_on_page.values() if len(pages) > 1]
    # The header row repeats on each page by design; body and footer rows must not.
    assert len(split) <= 1, f"{len(split)} rows are split across pages"
