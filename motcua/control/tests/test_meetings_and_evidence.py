import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from motcua.control import selectors, services
from motcua.control.models import Meeting, TaskEvidence
from motcua.control.tests.factories import PlanTaskFactory
from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.org.choices import AgencyKind, Role
from motcua.org.tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Assertions below read English messages; the UI default is Vietnamese.
    with translation.override("en"):
        yield


PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people():
    office = AgencyFactory(
        identifier="000.00.01.H52", name="Văn phòng UBND tỉnh", kind=AgencyKind.COMMITTEE_OFFICE
    )
    justice = AgencyFactory(identifier="000.00.03.H52", name="Sở Tư pháp")
    health = AgencyFactory(identifier="000.00.10.H52", name="Sở Y tế")
    other = AgencyFactory(identifier="000.00.11.H52", name="Sở Nông nghiệp")

    def member(name, agency, role):
        return MembershipFactory(user=UserFactory(username=name), agency=agency, role=role).user

    return {
        "office": office,
        "justice": justice,
        "health": health,
        "other": other,
        "reviewer": member("reviewer", office, Role.OFFICE_REVIEWER),
        "justice_staff": member("justice", justice, Role.SPECIALIST),
        "other_staff": member("other", other, Role.SPECIALIST),
    }


def schedule(people, **overrides):
    start = timezone.make_aware(dt.datetime(2026, 9, 1, 8, 0))
    values = dict(
        actor=people["reviewer"],
        organiser=people["office"],
        title="Họp trực tuyến về kiểm soát TTHC",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        agenda="1. Tình hình 6 tháng",
        video_url="https://meet.sonla.gov.vn/kstthc",
        invited=[people["justice"], people["health"]],
    )
    values.update(overrides)
    return services.meeting_create(**values)


def test_meetings_are_seen_by_organiser_invited_and_office(people):
    meeting = schedule(people)
    assert list(selectors.meetings_visible_to(people["justice_staff"])) == [meeting]
    assert list(selectors.meetings_visible_to(people["reviewer"])) == [meeting]
    assert list(selectors.meetings_visible_to(people["other_staff"])) == []


@pytest.mark.parametrize(
    "overrides,code",
    [
        ({"video_url": "http://meet.example.org/x"}, "meeting_bad_url"),
        ({"video_url": "javascript:alert(1)"}, "meeting_bad_url"),
        ({"title": "  "}, "meeting_no_title"),
    ],
)
def test_bad_meetings_are_refused(people, overrides, code):
    with pytest.raises(InvalidInput) as exc:
        schedule(people, **overrides)
    assert exc.value.code == code
    assert Meeting.objects.count() == 0


def test_only_own_agency_or_office_organises(people):
    with pytest.raises(PermissionDenied):
        schedule(people, actor=people["justice_staff"])
    assert (
        schedule(people, actor=people["justice_staff"], organiser=people["justice"]).organiser
        == people["justice"]
    )


def test_minutes_and_pages(people, client):
    meeting = schedule(people)
    with pytest.raises(PermissionDenied):
        services.meeting_minutes_attach(
            actor=people["justice_staff"], meeting=meeting, upload=SimpleUploadedFile("bien-ban.pdf", PDF)
        )
    with pytest.raises(InvalidInput):
        services.meeting_minutes_attach(
            actor=people["reviewer"],
            meeting=meeting,
            upload=SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00"),
        )
    services.meeting_minutes_attach(
        actor=people["reviewer"], meeting=meeting, upload=SimpleUploadedFile("bien-ban.pdf", PDF)
    )
    assert client.get("/van-phong/hop/").status_code == 302
    client.force_login(people["justice_staff"])
    assert meeting.title in client.get("/van-phong/hop/").content.decode()
    html = client.get(f"/van-phong/hop/{meeting.pk}/").content.decode()
    assert "https://meet.sonla.gov.vn/kstthc" in html and "bien-ban.pdf" in html
    download = client.get(f"/van-phong/hop/{meeting.pk}/bien-ban/tai-ve/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(people["other_staff"])
    assert client.get(f"/van-phong/hop/{meeting.pk}/").status_code == 404


def test_evidence_upload_through_the_page(people, client):
    task = PlanTaskFactory(owner_agency=people["justice"])
    client.force_login(people["justice_staff"])
    url = f"/van-phong/ke-hoach/nhiem-vu/{task.pk}/minh-chung/"
    client.post(url, {"file": SimpleUploadedFile("ket-qua.pdf", b"MZ\x90\x00rest"), "description": "x"})
    assert TaskEvidence.objects.count() == 0  # an executable renamed .pdf
    client.post(url, {"file": SimpleUploadedFile("ket-qua.pdf", PDF), "description": "Báo cáo"})
    evidence = TaskEvidence.objects.get()
    assert evidence.content_type == "application/pdf" and evidence.size == len(PDF)
    response = client.get(f"/van-phong/ke-hoach/minh-chung/{evidence.pk}/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    client.force_login(people["other_staff"])  # staff may read the plan, but not update another agency's task
    client.post(url, {"file": SimpleUploadedFile("ket-qua2.pdf", PDF)})
    assert TaskEvidence.objects.count() == 1


def test_scheduling_a_meeting_through_the_page(people, client):
    """The page's form parses and checks the input (MeetingForm) before the service: a mistyped moment or an
    agency the user may not organise for is a message on the page, a good form a meeting."""
    client.force_login(people["justice_staff"])
    page = client.get("/van-phong/hop/").content.decode()
    assert f'<option value="{people["justice"].pk}">' in page and f'value="{people["office"].pk}">' in page
    good = {
        "title": "Họp rà soát quy trình nội bộ",
        "organiser": people["justice"].pk,
        "starts_at": "2026-09-02T08:00",
        "ends_at": "2026-09-02T10:00",
        "invited": [people["health"].pk, people["other"].pk],
        "agenda": "Rà soát",
    }
    bad = client.post("/van-phong/hop/tao-moi/", {**good, "starts_at": "02/09/2026 tám giờ"}, follow=True)
    assert "Bắt đầu lúc: " in _nfc(bad) and not Meeting.objects.exists()  # the page speaks Vietnamese
    foreign = client.post("/van-phong/hop/tao-moi/", {**good, "organiser": people["health"].pk}, follow=True)
    assert "Cơ quan tổ chức: " in _nfc(foreign) and not Meeting.objects.exists()
    response = client.post("/van-phong/hop/tao-moi/", good)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/van-phong/hop/{meeting.pk}/"
    assert meeting.organiser == people["justice"] and set(meeting.invited_agencies.all()) == {
        people["health"],
        people["other"],
    }
    assert timezone.localtime(meeting.starts_at).hour == 8


def test_evidence_is_read_through_the_selector(people, client):
    task = PlanTaskFactory(owner_agency=people["justice"])
    evidence = services.plan_task_evidence_add(
        actor=people["justice_staff"], task=task, upload=SimpleUploadedFile("bao-cao.pdf", PDF)
    )
    client.force_login(people["justice_staff"])
    assert client.get(f"/van-phong/ke-hoach/minh-chung/{evidence.pk}/").status_code == 200
    assert client.get(f"/van-phong/ke-hoach/minh-chung/{evidence.pk + 1}/").status_code == 404
    client.logout()
    assert client.get(f"/van-phong/ke-hoach/minh-chung/{evidence.pk}/").status_code == 302


def _nfc(response) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", response.content.decode())
