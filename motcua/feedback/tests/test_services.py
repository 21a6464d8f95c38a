import datetime as dt

import pytest
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from motcua.feedback import selectors, services
from motcua.feedback.choices import OPEN_STATUSES, PetitionChannel, PetitionStatus
from motcua.feedback.models import Petition, PetitionEvent
from motcua.feedback.tests.helpers import route, submit
from motcua.workdays.selectors import due_after

S = PetitionStatus
pytestmark = pytest.mark.django_db


def test_submit_gives_a_code_a_deadline_and_one_event(category, citizen):
    petition = submit(category, user=citizen)
    assert petition.status == S.RECEIVED
    assert petition.code.startswith("PAKN-") and len(petition.code) == len("PAKN-YYMMDD-0001")
    assert petition.due_at == due_after(petition.received_at, days=10)
    assert petition.submitter == citizen
    event = PetitionEvent.objects.get(petition=petition)
    assert (event.action, event.from_status, event.to_status) == ("submit", "", S.RECEIVED)
    assert event.actor_name == "Phạm Thị Dung"


def test_codes_are_sequential_within_a_day(category):
    first, second = submit(category), submit(category)
    assert int(second.code[-4:]) == int(first.code[-4:]) + 1


def test_submit_requires_a_way_to_answer(category):
    with pytest.raises(InvalidInput):
        submit(category, submitter_phone="", submitter_email="")
    with pytest.raises(InvalidInput):
        submit(category, content="   ")
    assert not Petition.objects.exists()


def test_text_is_stored_nfc(category):
    petition = submit(category, subject="Đăng ký kết hôn".replace("ă", "a\u0306"))
    assert petition.subject == "Đăng ký kết hôn"


def test_record_by_officer_only(category, specialist, citizen):
    petition = services.petition_record(
        actor=specialist,
        channel=PetitionChannel.PHONE,
        category=category,
        subject="Gọi điện phản ánh",
        content="Công dân gọi điện phản ánh.",
        submitter_name="Ông A",
        submitter_phone="0987654321",
    )
    assert petition.channel == PetitionChannel.PHONE and petition.recorded_by == specialist
    with pytest.raises(PermissionDenied):
        services.petition_record(
            actor=citizen,
            channel=PetitionChannel.DESK,
            category=category,
            subject="x",
            content="y",
            submitter_name="z",
            submitter_phone="1",
        )


def test_full_path_to_the_public_list(category, conduct, reviewer, specialist, department):
    petition = submit(
        category, subject="Phí chứng thực quá cao", content="Phí chứng thực bản sao ở xã thu sai."
    )
    services.petition_classify(actor=reviewer, code=petition.code, category=conduct)
    petition = services.petition_assign(actor=reviewer, code=petition.code, agency=department)
    assert petition.status == S.ASSIGNED and petition.agency == department
    assert petition.due_at == due_after(petition.assigned_at, days=10)
    assert not selectors.petitions_public().exists()
    services.petition_answer(
        actor=specialist, code=petition.code, answer="Sở Tư pháp đã chấn chỉnh và hoàn phí."
    )
    petition = services.petition_publish(actor=reviewer, code=petition.code)
    assert petition.status == S.PUBLISHED and petition.published_at and petition.version == 5
    events = list(petition.events.values_list("action", flat=True))
    assert events == ["submit", "classify", "assign", "answer", "publish"]

    for query in ["phi chung thuc", "PHÍ CHỨNG THỰC", "phí chứng thực", "Phí chứng thực"]:
        import unicodedata

        for form in ("NFC", "NFD"):
            assert list(selectors.petitions_public(q=unicodedata.normalize(form, query))) == [petition]
    assert list(selectors.petitions_public(q="hoan phi")) == [petition]  # the answer is searched too
    assert list(selectors.petitions_public(category="hanh-vi-can-bo")) == [petition]
    assert not selectors.petitions_public(category="khac").exists()
    today = timezone.localdate()
    assert list(selectors.petitions_public(date_from=today, date_to=today)) == [petition]
    assert not selectors.petitions_public(date_to=today - dt.timedelta(days=1)).exists()
    assert not selectors.petitions_public(q="ket hon").exists()


def test_publish_needs_consent(category, reviewer, specialist, department):
    petition = route(submit(category, is_public=False), reviewer=reviewer, agency=department)
    services.petition_answer(actor=specialist, code=petition.code, answer="Đã trả lời.")
    with pytest.raises(Conflict):
        services.petition_publish(actor=reviewer, code=petition.code)
    assert Petition.objects.get(pk=petition.pk).status == S.ANSWERED


def test_reject_needs_a_reason(category, reviewer):
    petition = submit(category)
    with pytest.raises(InvalidInput):
        services.petition_reject(actor=reviewer, code=petition.code, reason=" ")
    petition = services.petition_reject(
        actor=reviewer, code=petition.code, reason="Khiếu nại, không phải PAKN."
    )
    assert petition.status == S.REJECTED and petition.rejection_reason


class TestScope:
    def test_only_the_office_routes(self, category, specialist, citizen, outsider, department):
        petition = submit(category, user=citizen)
        with pytest.raises(PermissionDenied):  # the citizen sees their own petition but cannot route it
            services.petition_classify(actor=citizen, code=petition.code, category=category)
        for staff in (specialist, outsider):  # not routed to them: they do not even see it
            with pytest.raises(NotFound):
                services.petition_classify(actor=staff, code=petition.code, category=category)

    def test_only_the_assigned_agency_answers(
        self, category, reviewer, specialist, outsider, citizen, department
    ):
        petition = route(submit(category, user=citizen), reviewer=reviewer, agency=department)
        with pytest.raises(NotFound):
            services.petition_answer(actor=outsider, code=petition.code, answer="x")
        with pytest.raises(PermissionDenied):
            services.petition_answer(actor=reviewer, code=petition.code, answer="x")
        with pytest.raises(PermissionDenied):
            services.petition_answer(actor=citizen, code=petition.code, answer="x")
        services.petition_answer(actor=specialist, code=petition.code, answer="Đã xử lý.")

    def test_visibility(
        self, category, reviewer, specialist, outsider, citizen, department, django_user_model
    ):
        from django.contrib.auth.models import AnonymousUser

        own = submit(category, user=citizen)
        routed = route(submit(category), reviewer=reviewer, agency=department)
        assert set(selectors.petitions_visible_to(reviewer)) == {own, routed}
        assert set(selectors.petitions_visible_to(specialist)) == {routed}
        assert set(selectors.petitions_visible_to(outsider)) == set()
        assert set(selectors.petitions_visible_to(citizen)) == {own}
        assert set(selectors.petitions_visible_to(AnonymousUser())) == set()


def test_stale_version_conflicts(category, reviewer, department):
    petition = submit(category)
    services.petition_classify(actor=reviewer, code=petition.code, category=category, expected_version=1)
    with pytest.raises(Conflict) as exc:
        services.petition_assign(actor=reviewer, code=petition.code, agency=department, expected_version=1)
    assert exc.value.code == "stale_version"
    assert Petition.objects.get(pk=petition.pk).status == S.CLASSIFIED
    assert PetitionEvent.objects.filter(petition=petition).count() == 2


def test_assign_with_a_past_deadline_is_refused(category, reviewer, department):
    petition = submit(category)
    services.petition_classify(actor=reviewer, code=petition.code, category=category)
    with pytest.raises(InvalidInput):
        services.petition_assign(
            actor=reviewer,
            code=petition.code,
            agency=department,
            due_at=timezone.now() - dt.timedelta(hours=1),
        )


def test_overdue_after_the_deadline(category, reviewer, specialist, department):
    petition = route(submit(category), reviewer=reviewer, agency=department)
    queue = list(selectors.petitions_queue(specialist))
    assert [p.is_overdue for p in queue] == [False]
    Petition.objects.filter(pk=petition.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    assert [p.is_overdue for p in selectors.petitions_queue(specialist)] == [True]
    services.petition_answer(actor=specialist, code=petition.code, answer="Đã trả lời muộn.")
    petition.refresh_from_db()
    assert petition.status not in OPEN_STATUSES  # answered: no longer waiting, so never overdue
