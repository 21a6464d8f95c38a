import csv
import io

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.tests.factories import make_procedure
from motcua.org.choices import Role
from motcua.org.tests.factories import AgencyFactory, MembershipFactory, UnitLevelFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = ["code", "name", "field", "levels", "time_limit", "steps"]


def _csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    upload = io.BytesIO(buffer.getvalue().encode())
    upload.name = "catalog.csv"
    return upload


@pytest.fixture
def administrator(client):
    UnitLevelFactory(code="commune")
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, agency=AgencyFactory(), role=Role.ADMINISTRATOR)
    client.force_login(user)
    return user


def test_administrator_imports_a_good_file(client, administrator):
    good = _csv(
        [["1.000894", "Đăng ký kết hôn", "Hộ tịch", "commune", "1", "Tiếp nhận | receiving_officer | 1"]]
    )
    response = client.post("/admin/catalog/import/", {"file": good})
    assert response.status_code == 302
    assert Procedure.objects.filter(code="1.000894").exists()


def test_a_bad_row_imports_nothing_and_is_listed(client, administrator):
    bad = _csv(
        [
            ["1.000894", "Đăng ký kết hôn", "Hộ tịch", "commune", "1", "Tiếp nhận | receiving_officer | 1"],
            ["not-a-code", "Thủ tục lỗi", "Hộ tịch", "commune", "1", "Tiếp nhận | receiving_officer | 1"],
        ]
    )
    page = client.post("/admin/catalog/import/", {"file": bad}).content.decode()
    assert not Procedure.objects.exists()
    assert "<td>3</td>" in page  # the spreadsheet line of the bad row


def test_a_specialist_may_not_import(client):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, role=Role.SPECIALIST)
    client.force_login(user)
    assert client.get("/admin/catalog/import/").status_code == 403


def test_export_downloads_the_catalog(client, administrator):
    make_procedure()
    response = client.get("/admin/catalog/export.csv")
    assert response.status_code == 200
    assert "1.000894" in response.content.decode("utf-8-sig")
    assert client.get("/admin/catalog/export.pdf").status_code == 403


def test_the_direct_import_says_it_bypasses_a_decision(client, administrator):
    """Issue 9 item 9: the page says what the import skips and points to the decisions."""
    page = client.get("/admin/catalog/import/").content.decode()
    assert "data-bypass-warning" in page and "/van-phong/quyet-dinh/xu-ly/" in page


def test_an_office_reviewer_goes_through_a_decision_not_the_import(client):
    """Issue 9 item 9: the direct import is the administrator's alone; the reviewer may still export."""
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, agency=AgencyFactory(), role=Role.OFFICE_REVIEWER)
    client.force_login(user)
    response = client.get("/admin/catalog/import/")
    assert response.status_code == 403
    good = _csv(
        [["1.000894", "Đăng ký kết hôn", "Hộ tịch", "commune", "1", "Tiếp nhận | receiving_officer | 1"]]
    )
    assert client.post("/admin/catalog/import/", {"file": good}).status_code == 403
    assert not Procedure.objects.exists()
    assert client.get("/admin/catalog/export.csv").status_code == 200
