import pytest

from motcua.feedback import services
from motcua.feedback.models import Petition
from motcua.feedback.tests.helpers import route, submit

pytestmark = pytest.mark.django_db


def payload(**overrides):
    body = {
        "category": "quy-dinh-hanh-chinh",
        "subject": "Thủ tục cấp phép xây dựng rườm rà",
        "content": "Yêu cầu nhiều bản sao giấy tờ không cần thiết.",
        "submitter_name": "Công ty ABC",
        "submitter_email": "lienhe@abc.vn",
        "is_public": True,
    }
    body.update(overrides)
    return body


def test_post_petition(client):
    response = client.post("/api/v1/petitions", payload(), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"].startswith("PAKN-") and body["status"] == "received" and body["due_at"]
    assert Petition.objects.get(code=body["code"]).channel == "api"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (payload(category="khong-co"), "invalid_category"),
        (payload(submitter_email="", submitter_phone=""), "contact_required"),
        (payload(submitter_email="not-an-email"), "invalid_input"),
        ({"subject": "x"}, "invalid_input"),
    ],
)
def test_post_petition_errors(client, body, code):
    response = client.post("/api/v1/petitions", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["message"]
    assert not Petition.objects.exists()


def test_malformed_json(client):
    response = client.post("/api/v1/petitions", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_list_and_get_published_only(client, category, reviewer, specialist, department):
    published = route(submit(category, subject="Cấp phép xây dựng"), reviewer=reviewer, agency=department)
    services.petition_answer(actor=specialist, code=published.code, answer="Đã rút gọn hồ sơ.")
    services.petition_publish(actor=reviewer, code=published.code)
    waiting = submit(category, subject="Cấp phép xây dựng lần hai")

    body = client.get("/api/v1/petitions", {"q": "cap phep xay dung"}).json()
    assert body["count"] == 1 and [i["code"] for i in body["items"]] == [published.code]
    assert body["items"][0]["answer"] == "Đã rút gọn hồ sơ." and "submitter_phone" not in body["items"][0]
    assert client.get("/api/v1/petitions", {"limit": 0}).status_code == 400
    assert client.get("/api/v1/petitions", {"date_from": "2025-13-01"}).status_code == 400

    one = client.get(f"/api/v1/petitions/{published.code}")
    assert one.status_code == 200 and one.json()["agency"] == department.name
    missing = client.get(f"/api/v1/petitions/{waiting.code}")
    assert missing.status_code == 404 and missing.json()["code"] == "petition_not_found"
