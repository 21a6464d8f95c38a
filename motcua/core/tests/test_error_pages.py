"""The error pages a visitor meets: in the site's layout (header, menu, footer) and language, saying what
happened and offering a way on; and the same in the demo as `make run` serves it, over real HTTP."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from motcua.org.tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[3]


def _assert_site_page(html: str) -> None:
    assert 'class="site-header"' in html and 'class="site-footer"' in html, "not in the site's layout"
    assert 'href="/"' in html, "no way back to the home page"
    assert "URLconf" not in html and "Traceback" not in html


@pytest.mark.django_db
def test_unknown_address_gets_the_vietnamese_404_with_a_search(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_site_page(html)
    assert "Không tìm thấy trang" in html
    assert 'name="q"' in html, "the 404 offers the procedure search"


@pytest.mark.django_db
def test_404_in_english_when_chosen(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_a_citizen_refused_the_back_office_gets_the_403_page(client):
    client.force_login(UserFactory())
    response = client.get("/ho-so/")
    assert response.status_code == 403
    html = response.content.decode()
    _assert_site_page(html)
    assert "Bạn không được mở trang này" in html


@pytest.mark.django_db
def test_a_403_with_a_reason_shows_it(client):
    """A staff account that is no catalog editor opens the catalog import: the page names the reason."""
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/admin/catalog/import/")
    assert response.status_code == 403
    html = response.content.decode()
    _assert_site_page(html)
    assert "Chỉ quản trị viên" in html


@pytest.mark.django_db
def test_forged_host_gets_the_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    _assert_site_page(html)
    assert "Yêu cầu không hợp lệ" in html


@pytest.mark.django_db
def test_an_expired_form_gets_the_csrf_page(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/tai-khoan/dang-nhap/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    _assert_site_page(html)
    assert "tải lại trang" in html


@pytest.mark.django_db
def test_a_bug_gets_the_500_page(client, settings):
    settings.ROOT_URLCONF = "motcua.core.tests.error_urls"
    client.raise_request_exception = False
    response = client.get("/loi-thu/")
    assert response.status_code == 500
    html = response.content.decode()
    _assert_site_page(html)
    assert "Đã có lỗi ở phía máy chủ" in html


def _make_run_env() -> dict[str, str]:
    """The environment `make run` serves the demo with (its RUN_ENV), read from the Makefile itself."""
    makefile = (ROOT / "Makefile").read_text()
    line = re.search(r"^RUN_ENV \?= (.+)$", makefile, re.M)
    assert line, "Makefile has no RUN_ENV"
    return dict(pair.split("=", 1) for pair in line.group(1).split())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_demo_as_make_run_serves_it_shows_the_site_404_and_lets_people_sign_in(tmp_path):
    """`make run`'s settings over real HTTP: an unknown page is the site's 404 (not Django's debug page with
    the URL list), the styles are served, and the sign-in cookie works on plain HTTP (no HTTPS redirect)."""
    env = {
        **os.environ,
        **_make_run_env(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "/khong-co-trang-nay/", timeout=5)
        assert missing.value.code == 404
        html = missing.value.read().decode()
        _assert_site_page(html)
        assert "Không tìm thấy trang" in html
        css = urllib.request.urlopen(base + "/static/css/motcua.css", timeout=5)
        assert css.status == 200
        login = urllib.request.urlopen(base + "/tai-khoan/dang-nhap/", timeout=5)
        assert login.url.startswith("http://"), "the demo must not redirect to HTTPS"
        cookies = " ".join(login.headers.get_all("Set-Cookie") or [])
        assert "csrftoken=" in cookies and "Secure" not in cookies
        # The demo offers VNeID through its stand-in provider, and its citizens keep their passwords.
        assert "vneid-button" in login.read().decode()
        discovery = urllib.request.urlopen(base + "/vneid-demo/o/.well-known/openid-configuration", timeout=5)
        assert discovery.status == 200
        assert urllib.request.urlopen(base + "/tai-khoan/dang-ky/", timeout=5).status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db
def test_a_nul_character_in_a_page_request_gets_the_400_page_with_the_reason(client):
    response = client.get("/thu-tuc/", {"q": "ket\x00hon"})
    assert response.status_code == 400
    html = response.content.decode()
    _assert_site_page(html)
    assert "NUL" in html
