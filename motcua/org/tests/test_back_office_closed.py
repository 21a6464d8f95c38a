"""Citizens never reach the back office, whatever its selectors would show them."""

import pytest

from motcua.org.choices import Role
from motcua.org.models import Membership
from motcua.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/ho-so/",
    "/ho-so/tiep-nhan/",
    "/ho-so/qua-han/",
    "/ho-so/so-theo-doi/",
    "/phan-anh-kien-nghi/xu-ly/",
    "/van-phong/quyet-dinh/xu-ly/",
    "/van-phong/ke-hoach/",
    "/van-phong/hop/",
    "/thong-ke/bao-cao/",
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_a_citizen_is_refused_and_a_visitor_sent_to_sign_in(client, url):
    citizen = UserFactory()
    Membership.objects.create(user=citizen, role=Role.CITIZEN)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")
    client.force_login(citizen)
    assert client.get(url).status_code in (403, 404)
