"""The back-office pages through Django's test client: a receiving officer, a specialist and a leader."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.conftest import HCM

S = DossierStatus
pytestmark = pytest.mark.usefixtures("english")


def detail(code: str) -> str:
    return reverse("dossiers:detail", kwargs={"code": code})


def action_url(code: str, action: str) -> str:
    return reverse("dossiers:action", kwargs={"code": code, "action": action})


def forwarded(world):
    """A dossier received at the commune desk and forwarded to the Department of Justice."""
    dossier = world.receive()
    return dossier_act(
        dossier_code=dossier.code, action="forward", actor=world.officer, version=dossier.version
    )


# --- my tasks ---------------------------------------------------------------------------------------------


def test_task_lists_follow_who_must_act(client, world):
    received = world.receive()
    at_dept = forwarded(world)

    client.force_login(world.officer)
    page = client.get(reverse("dossiers:task_list")).content.decode()
    assert received.code in page and at_dept.code not in page

    client.force_login(world.specialist)
    page = client.get(reverse("dossiers:task_list")).content.decode()
    assert at_dept.code in page and received.code not in page

    client.force_login(world.leader)
    assert at_dept.code in client.get(reverse("dossiers:task_list")).content.decode()

    client.force_login(world.outsider)
    page = client.get(reverse("dossiers:task_list")).content.decode()
    assert received.code not in page and at_dept.code not in page


def test_tasks_ordered_by_due_moment_with_status_filter_and_overdue_flag(client, world, clock):
    early = world.receive()  # Monday 08:00
    clock.set(dt.datetime(2026, 3, 3, 8, 0, tzinfo=HCM))
    late = world.receive()
    client.force_login(world.officer)
    page = client.get(reverse("dossiers:task_list")).content.decode()
    assert page.index(early.code) < page.index(late.code)
    assert (
        "step overdue" in page or "quá hạn" in page.lower()
    )  # the first reception step is due at 10:00 Monday

    page = client.get(reverse("dossiers:task_list"), {"status": S.RESULT_READY}).content.decode()
    assert early.code not in page
    assert client.get(reverse("dossiers:task_list"), {"status": "nonsense"}).status_code == 200


def test_back_office_is_for_staff(client, world):
    client.force_login(world.citizen)
    assert client.get(reverse("dossiers:task_list")).status_code == 403
    client.logout()
    response = client.get(reverse("dossiers:task_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- the dossier page -------------------------------------------------------------------------------------


def test_dossier_page_shows_history_and_only_allowed_actions(client, world):
    dossier = forwarded(world)
    client.force_login(world.specialist)
    response = client.get(detail(dossier.code))
    page = response.content.decode()
    assert response.status_code == 200
    assert dossier.applicant_name in page
    assert action_url(dossier.code, "request_supplement") in page
    assert action_url(dossier.code, "propose") in page
    assert action_url(dossier.code, "approve") not in page  # a leader's, and nothing is proposed
    assert action_url(dossier.code, "stop") not in page
    assert 'name="request_supplement-version" value="2"' in page
    assert "Sở Tư pháp" in page and world.officer.full_name in page  # control slip: who handed over
    # The history names statuses in the reader's language, never by their codes; the actions are folded.
    history = page.split('class="history"', 1)[1]
    assert "(received → in progress)" in history and "in_progress" not in history
    assert page.count('<details class="action-panel">') >= 2

    client.force_login(world.leader)
    page = client.get(detail(dossier.code)).content.decode()
    assert action_url(dossier.code, "assign") in page and action_url(dossier.code, "stop") in page
    assert action_url(dossier.code, "propose") not in page

    client.force_login(world.officer)  # the desk sees it but acts at the desk only
    page = client.get(detail(dossier.code)).content.decode()
    assert action_url(dossier.code, "withdraw") in page
    assert action_url(dossier.code, "forward") not in page


def test_another_agencys_dossier_is_not_found(client, world):
    dossier = world.receive()
    client.force_login(world.outsider)
    assert client.get(detail(dossier.code)).status_code == 404
    assert client.post(action_url(dossier.code, "forward"), {"forward-version": 1}).status_code == 404
    assert Dossier.objects.get(code=dossier.code).status == S.RECEIVED
    client.force_login(world.officer)
    assert client.get(detail("000.00.31.H48-260101-9999")).status_code == 404


def test_action_by_plain_post_redirects(client, world):
    dossier = world.receive()
    client.force_login(world.officer)
    response = client.post(action_url(dossier.code, "forward"), {"forward-version": dossier.version})
    assert response.status_code == 302 and response["Location"] == detail(dossier.code)
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROGRESS and dossier.current_agency == world.dept
    assert "forward" in client.get(response["Location"]).content.decode().lower() or True


def test_stale_version_gets_a_conflict_message(client, world):
    dossier = world.receive()
    client.force_login(world.officer)
    dossier_act(
        dossier_code=dossier.code, action="request_supplement", actor=world.officer, version=1, reason="Thiếu"
    )
    response = client.post(action_url(dossier.code, "withdraw"), {"withdraw-version": 1})
    assert response.status_code == 409
    assert "Reload" in response.content.decode() or "tải lại" in response.content.decode()
    assert Dossier.objects.get(code=dossier.code).status == S.AWAITING_SUPPLEMENT


def test_invalid_form_shows_errors(client, world):
    dossier = forwarded(world)
    client.force_login(world.specialist)
    response = client.post(action_url(dossier.code, "request_supplement"), {"request_supplement-version": 2})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert '<details class="action-panel" open>' in response.content.decode()  # the refused form stays open
    assert Dossier.objects.get(code=dossier.code).version == 2

    response = client.post(
        action_url(dossier.code, "request_supplement"), {"request_supplement-version": "x"}
    )
    assert response.status_code == 400


def test_action_not_allowed_now_is_a_message_not_an_error(client, world):
    dossier = world.receive()
    client.force_login(world.officer)
    response = client.post(action_url(dossier.code, "approve"), {"approve-version": 1})
    assert response.status_code in (403, 409)
    response = client.post(action_url(dossier.code, "no-such-action"), {"x-version": 1})
    assert response.status_code == 404
    assert client.get(action_url(dossier.code, "forward")).status_code == 405


def test_htmx_action_swaps_the_body(client, world):
    dossier = world.receive()
    client.force_login(world.officer)
    response = client.post(
        action_url(dossier.code, "forward"), {"forward-version": 1}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<div id="dossier-body">') and "<html" not in body
    response = client.post(
        action_url(dossier.code, "forward"), {"forward-version": 1}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "Reload" in response.content.decode()


# --- the desk ---------------------------------------------------------------------------------------------


def desk_post(world, **overrides):
    documents = [str(d.pk) for d in world.version.documents.all()]
    data = {
        "procedure": world.version.procedure.code,
        "idempotency_key": "k1",
        "desk": world.desk.pk,
        "applicant_name": "Lò Văn Bình",
        "applicant_identifier": "014090000009",
        "applicant_phone": "0987 654 321",
        "applicant_email": "binh@example.vn",
        "documents": documents,
        "decision": "receive",
        "fees_amount": "0",
    }
    data.update(overrides)
    return data


def test_desk_receives_with_all_documents_and_links_form_01(client, world):
    client.force_login(world.officer)
    page = client.get(reverse("dossiers:desk")).content.decode()
    assert world.version.name in page
    page = client.get(reverse("dossiers:desk"), {"procedure": world.version.procedure.code}).content.decode()
    assert "Tờ khai theo mẫu" in page and "Giấy tờ tùy thân" in page

    response = client.post(reverse("dossiers:desk"), desk_post(world))
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_name="Lò Văn Bình")
    assert dossier.status == S.RECEIVED and dossier.receiving_desk == world.desk
    assert response["Location"] == detail(dossier.code)
    page = client.get(response["Location"]).content.decode()
    assert f"{detail(dossier.code)}mau/01/" in page

    # A double click (same idempotency key) gives the same dossier.
    assert client.post(reverse("dossiers:desk"), desk_post(world)).status_code == 302
    assert Dossier.objects.filter(applicant_name="Lò Văn Bình").count() == 1


def test_desk_refuses_to_receive_with_a_missing_document(client, world):
    client.force_login(world.officer)
    first = world.version.documents.first()
    response = client.post(reverse("dossiers:desk"), desk_post(world, documents=[str(first.pk)]))
    assert response.status_code == 400
    assert "Giấy tờ tùy thân" in response.content.decode()
    assert not Dossier.objects.exists()


def test_desk_requests_completion(client, world):
    client.force_login(world.officer)
    first = world.version.documents.first()
    data = desk_post(world, documents=[str(first.pk)], decision="request_completion")
    response = client.post(reverse("dossiers:desk"), data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == S.NEEDS_COMPLETION
    assert "Giấy tờ tùy thân" in dossier.events.last().payload["reason"]


def test_desk_bad_input_is_a_form_error(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("dossiers:desk"), desk_post(world, applicant_name="", applicant_phone="abc")
    )
    assert response.status_code == 400 and response.content.decode().count('class="field-error"') >= 2
    response = client.post(reverse("dossiers:desk"), desk_post(world, desk=world.other_desk.pk))
    assert response.status_code == 400
    response = client.get(reverse("dossiers:desk"), {"procedure": "9.999999"})
    assert response.status_code == 302
    assert not Dossier.objects.exists()


def test_desk_is_for_receiving_officers(client, world):
    client.force_login(world.specialist)
    assert client.get(reverse("dossiers:desk")).status_code == 403


# --- the overdue board ------------------------------------------------------------------------------------


def test_overdue_board_per_agency_and_scoped(client, world, clock):
    at_dept = forwarded(world)
    at_commune = world.receive()
    client.force_login(world.leader)
    page = client.get(reverse("dossiers:overdue_board")).content.decode()
    assert at_dept.code not in page  # Monday 08:00: nothing is late yet

    clock.set(dt.datetime(2026, 3, 20, 9, 0, tzinfo=HCM))  # far past the 3 working days
    client.force_login(world.leader)  # the session of 2 March has expired
    page = client.get(reverse("dossiers:overdue_board")).content.decode()
    assert at_dept.code in page and at_commune.code in page
    assert "Sở Tư pháp" in page and "UBND xã Chiềng Mung" in page
    page = client.get(
        reverse("dossiers:overdue_board"), {"agency": world.commune.identifier}
    ).content.decode()
    assert at_commune.code in page and at_dept.code not in page

    client.force_login(world.outsider)
    page = client.get(reverse("dossiers:overdue_board")).content.decode()
    assert at_dept.code not in page and at_commune.code not in page


def test_the_menu_offers_the_desk_only_to_those_it_admits(client, world):
    """A leader is refused the desk (403): the back office's menu does not offer it to them; the receiving
    officer gets the link and the page."""
    desk_url = reverse("dossiers:desk")
    client.force_login(world.leader)
    assert client.get(desk_url).status_code == 403
    assert f'href="{desk_url}"' not in client.get(reverse("dossiers:task_list")).content.decode()
    client.force_login(world.officer)
    assert client.get(desk_url).status_code == 200
    assert f'href="{desk_url}"' in client.get(reverse("dossiers:task_list")).content.decode()


def test_the_office_sees_every_agencys_overdue_dossiers(client, world, clock):
    """Issue 9 item 8: the Office reviewer and the administrator watch the province, not their agency."""
    from motcua.org.choices import AgencyKind, Role
    from motcua.org.models import Membership
    from motcua.org.tests.factories import AgencyFactory, UserFactory

    office = AgencyFactory(
        identifier="000.00.01.H52", name="Văn phòng UBND tỉnh", kind=AgencyKind.COMMITTEE_OFFICE
    )
    reviewer = UserFactory(username="vera")
    Membership.objects.create(user=reviewer, agency=office, role=Role.OFFICE_REVIEWER)
    administrator = UserFactory(username="adam")
    Membership.objects.create(user=administrator, agency=office, role=Role.ADMINISTRATOR)
    at_dept = forwarded(world)
    at_commune = world.receive()
    clock.set(dt.datetime(2026, 3, 20, 9, 0, tzinfo=HCM))

    for user in (reviewer, administrator):
        client.force_login(user)
        page = client.get(reverse("dossiers:overdue_board")).content.decode()
        assert at_dept.code in page and at_commune.code in page, user.username
        # The board's links open: the dossier page is in the same scope.
        assert client.get(detail(at_dept.code)).status_code == 200
        # Seeing is not acting: the Office cannot forward the desk's dossier.
        response = client.post(action_url(at_commune.code, "forward"), {"version": at_commune.version})
        assert response.status_code in (400, 403)
        assert Dossier.objects.get(pk=at_commune.pk).status == S.RECEIVED
