"""A citizen files online in a real browser, is received, supplements on the same code, gets the
result and rates it; every citizen page passes axe-core and fits a 360 px phone."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from motcua.core.testing.browser import assert_accessible, assert_no_horizontal_scroll
from motcua.dossiers.models import Dossier
from motcua.filing.tests.conftest import PDF, PNG, build_world
from motcua.filing.tests.helpers import act, finish

pytestmark = pytest.mark.browser


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def check(page, mobile_page, problems: list[str]) -> None:
    """axe-core on the page as it is, and the same URL at 360 px."""
    assert_accessible(page)
    mobile_page.goto(page.url)
    assert_no_horizontal_scroll(mobile_page, 360)
    assert_accessible(mobile_page)
    problems.append(page.url)


def test_file_online_supplement_and_rate(
    transactional_db, live_server, page, mobile_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    sign_in(page, live_server, world.citizen)
    sign_in(mobile_page, live_server, world.citizen)
    checked: list[str] = []
    code = world.version.procedure.code

    # The procedure page offers online filing; start a draft.
    page.goto(f"{live_server.url}/thu-tuc/{code}/")
    page.locator(f"a[href='/nop-ho-so/{code}/']").click()
    check(page, mobile_page, checked)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/nop-ho-so/nhap/\d+/$"))
    expect(page.locator("#id_name")).to_have_value("Nguyễn Văn An")
    check(page, mobile_page, checked)

    # Two uploads, then review and submit.
    page.locator("#id_doc-1").set_input_files(
        files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("#id_doc-2").set_input_files(
        files=[{"name": "cccd.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.locator("button[name=review]").click()
    expect(page).to_have_url(re.compile(r"/xem-lai/$"))
    expect(page.get_by_text("to-khai.pdf")).to_be_visible()
    expect(page.get_by_text("cccd.png")).to_be_visible()
    check(page, mobile_page, checked)
    page.locator("main form.inline-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/da-nop/$"))
    dossier_code = page.locator("#dossier-code").inner_text().strip()
    assert Dossier.objects.get().code == dossier_code
    expect(page.get_by_text("dự kiến", exact=False)).to_be_visible()
    check(page, mobile_page, checked)

    # The desk receives it: the citizen sees "đã tiếp nhận".
    act(dossier_code, "receive", world.officer)
    page.goto(f"{live_server.url}/nop-ho-so/ho-so/{dossier_code}/")
    expect(page.locator("#dossier-status")).to_contain_text("đã tiếp nhận", ignore_case=True)
    check(page, mobile_page, checked)

    # The agency asks for a supplement: the citizen sees the reason and answers on the same code.
    act(dossier_code, "forward", world.officer)
    act(
        dossier_code,
        "request_supplement",
        world.specialist,
        reason="Bổ sung bản sao chứng thực căn cước công dân",
    )
    page.reload()
    expect(page.locator("#asked-reason")).to_have_text("Bổ sung bản sao chứng thực căn cước công dân")
    check(page, mobile_page, checked)
    page.locator("#id_sup-2").set_input_files(
        files=[{"name": "cccd-chung-thuc.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("#id_note").fill("Đã bổ sung bản sao chứng thực")
    page.locator("section.supplement button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/nop-ho-so/ho-so/{re.escape(dossier_code)}/$"))
    expect(page.locator("#dossier-status")).to_contain_text("đang giải quyết", ignore_case=True)
    expect(page.get_by_text("cccd-chung-thuc.pdf")).to_be_visible()
    assert Dossier.objects.count() == 1

    # Result and return through the services; the citizen rates the service.
    finish(world, dossier_code)
    page.reload()
    expect(page.locator("#dossier-status")).to_contain_text("đã trả kết quả", ignore_case=True)
    check(page, mobile_page, checked)
    page.locator("fieldset.stars input[value='5']").check()
    page.locator("#id_contacts").fill("0")
    page.locator("form[action$='/danh-gia/'] button[type=submit]").click()
    expect(page.get_by_text("5 sao")).to_be_visible()
    check(page, mobile_page, checked)

    page.goto(f"{live_server.url}/nop-ho-so/cua-toi/")
    expect(page.get_by_role("link", name=dossier_code)).to_be_visible()
    check(page, mobile_page, checked)
