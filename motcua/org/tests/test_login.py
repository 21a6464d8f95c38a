import pytest

from motcua.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_officer_without_admin_rights_signs_in_and_reaches_their_work(client):
    UserFactory(username="chuyenvien", is_staff=False)
    response = client.post(
        "/tai-khoan/dang-nhap/",
        {"username": "chuyenvien", "password": "correct horse battery", "next": "/ho-so/"},
    )
    assert response.status_code == 302 and response["Location"] == "/ho-so/"


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(username="chuyenvien")
    response = client.post("/tai-khoan/dang-nhap/", {"username": "chuyenvien", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_staff_pages_send_anonymous_visitors_to_the_sign_in_page(client):
    response = client.get("/ho-so/")
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")
