import pytest

pytestmark = pytest.mark.django_db


def test_choice_is_remembered_and_drawn_by_the_server(client):
    response = client.post("/co-chu/", {"size": "large", "next": "/tin-tuc/?q=a"})
    assert response.status_code == 302 and response["Location"] == "/tin-tuc/?q=a"
    assert response.cookies["motcua_font"].value == "large"
    page = client.get("/").content.decode()
    assert '<html lang="vi" class="font-large">' in page
    assert 'value="large" aria-pressed="true"' in page and 'value="normal" aria-pressed="false"' in page


def test_unknown_size_and_foreign_next_are_ignored(client):
    response = client.post("/co-chu/", {"size": "huge", "next": "https://evil.example/"})
    assert response["Location"] == "/" and "motcua_font" not in response.cookies
    client.cookies["motcua_font"] = "<script>"
    page = client.get("/").content.decode()
    assert '<html lang="vi">' in page and "<script>" not in page.split("<body>")[0].split("<html")[1][:40]


def test_only_post_changes_it(client):
    assert client.get("/co-chu/", {"size": "large"}).status_code == 405
