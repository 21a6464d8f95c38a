"""Publication decisions end to end: drafting, review with one send-back, signature, the effective date."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from motcua.catalog import publication_selectors as selectors
from motcua.catalog import publication_services as services
from motcua.catalog.models import (
    ChangeKind,
    ProcedureVersion,
    PublicationDecision,
    PublicationItem,
    PublicationStatus,
)
from motcua.catalog.selectors import procedures_current
from motcua.catalog.services import DocumentData, FeeData, ProcedureData, StepData
from motcua.catalog.tests.factories import make_procedure
from motcua.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from motcua.org.choices import AgencyKind, Role
from motcua.org.tests.factories import AgencyFactory, MembershipFactory, UnitLevelFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Assertions below read English messages; the UI default is Vietnamese.
    with translation.override("en"):
        yield


# Signed today, effective in two weeks: a decision whose effective date has already come takes effect at
# its signature (test_publication_effect.py), so the scheduling tests sign ahead of the date.
SIGNED_ON = timezone.localdate()
EFFECTIVE_ON = SIGNED_ON + dt.timedelta(days=14)


@pytest.fixture
def org():
    justice = AgencyFactory(identifier="000.00.03.H52", name="Sở Tư pháp tỉnh Sơn La")
    health = AgencyFactory(identifier="000.00.10.H52", name="Sở Y tế tỉnh Sơn La")
    office = AgencyFactory(
        identifier="000.00.01.H52", name="Văn phòng UBND tỉnh", kind=AgencyKind.COMMITTEE_OFFICE
    )
    committee = AgencyFactory(identifier="000.00.00.H52", name="UBND tỉnh", kind=AgencyKind.PEOPLES_COMMITTEE)

    def member(username, agency, role):
        return MembershipFactory(user=UserFactory(username=username), agency=agency, role=role).user

    return {
        "justice": justice,
        "drafter": member("drafter", justice, Role.SPECIALIST),
        "other": member("health", health, Role.LEADER),
        "reviewer": member("reviewer", office, Role.OFFICE_REVIEWER),
        "chairman": member("chairman", committee, Role.CHAIRMAN),
    }


def record(name: str, *, documents=("Tờ khai theo mẫu", "Giấy tờ tùy thân"), fee="0", days="3") -> dict:
    return services.record_from_data(
        ProcedureData(
            code="1.000000",
            name=name,
            field_name="Hộ tịch",
            level_codes=("commune",),
            time_limit_value=Decimal(days),
            documents=tuple(DocumentData(name=d) for d in documents),
            fees=(FeeData(description="Lệ phí", amount=Decimal(fee)),),
            steps=(
                StepData(name="Tiếp nhận hồ sơ", role=Role.RECEIVING_OFFICER, duration_days=Decimal("0.5")),
                StepData(
                    name="Giải quyết", role=Role.SPECIALIST, duration_days=Decimal(days) - Decimal("0.5")
                ),
            ),
        )
    )


@pytest.fixture
def catalog(org):
    return {
        "marriage": make_procedure("1.000894", "Đăng ký kết hôn"),
        "birth": make_procedure("1.001193", "Đăng ký khai sinh"),
        "record": make_procedure("2.001263", "Cấp Phiếu lý lịch tư pháp", levels=("province",), days="10"),
    }


def current_codes() -> dict[str, str]:
    return {v.procedure.code: v.name for v in procedures_current()}


def draft(org) -> PublicationDecision:
    decision = services.publication_decision_create(
        actor=org["drafter"], drafting_agency=org["justice"], title="Công bố TTHC lĩnh vực hộ tịch"
    )
    add = dict(actor=org["drafter"], decision=decision)
    services.publication_item_add(
        **add, change=ChangeKind.NEW, procedure_code="1.009990", record=record("Đăng ký lại kết hôn")
    )
    services.publication_item_add(
        **add,
        change=ChangeKind.AMENDED,
        procedure_code="1.000894",
        record=record(
            "Đăng ký kết hôn có yếu tố nước ngoài", documents=("Tờ khai theo mẫu", "Giấy tờ tùy thân")
        ),
    )
    services.publication_item_add(**add, change=ChangeKind.ABOLISHED, procedure_code="1.001193")
    services.publication_item_add(
        **add,
        change=ChangeKind.REPLACED,
        procedure_code="2.002000",
        replaces_code="2.001263",
        record=record("Cấp Phiếu lý lịch tư pháp số 1", days="10"),
    )
    decision.refresh_from_db()
    return decision


def to_signed(org, decision: PublicationDecision, *, number="125/QĐ-UBND", effective_on=EFFECTIVE_ON):
    services.publication_submit_for_review(actor=org["drafter"], decision=decision)
    services.publication_accept(actor=org["reviewer"], decision=decision)
    services.publication_submit_to_chairman(actor=org["reviewer"], decision=decision)
    services.publication_sign(
        actor=org["chairman"],
        decision=decision,
        number=number,
        signed_on=SIGNED_ON,
        effective_on=effective_on,
    )
    return decision


def test_a_decision_goes_from_draft_to_effective_with_one_send_back(org, catalog, client):
    old_marriage = catalog["marriage"]
    old_snapshot = (
        old_marriage.name,
        [d.name for d in old_marriage.documents.all()],
        old_marriage.valid_from,
    )
    assert current_codes() == {
        "1.000894": "Đăng ký kết hôn",
        "1.001193": "Đăng ký khai sinh",
        "2.001263": "Cấp Phiếu lý lịch tư pháp",
    }

    decision = draft(org)
    assert [i.change for i in decision.items.all()] == ["new", "amended", "abolished", "replaced"]
    services.publication_submit_for_review(actor=org["drafter"], decision=decision)
    assert decision.status == PublicationStatus.UNDER_REVIEW

    # The Office comments on the amended item and sends the draft back.
    amended = decision.items.get(procedure_code="1.000894")
    comment = services.publication_comment(
        actor=org["reviewer"],
        decision=decision,
        item=amended,
        text="Thành phần hồ sơ phải có giấy xác nhận tình trạng hôn nhân; lệ phí theo Nghị quyết HĐND.",
    )
    with pytest.raises(Conflict):  # not while a comment is open
        services.publication_accept(actor=org["reviewer"], decision=decision)
    services.publication_return_for_revision(
        actor=org["reviewer"], decision=decision, reason="Xem ý kiến từng mục."
    )
    assert decision.status == PublicationStatus.RETURNED

    # The department revises the item, resolves the comments and submits again.
    services.publication_item_update(
        actor=org["drafter"],
        item=amended,
        record=record(
            "Đăng ký kết hôn có yếu tố nước ngoài",
            documents=("Tờ khai theo mẫu", "Giấy xác nhận tình trạng hôn nhân"),
            fee="1000000",
        ),
    )
    for open_comment in decision.comments.filter(resolved=False):
        services.publication_comment_resolve(actor=org["drafter"], comment=open_comment)
    comment.refresh_from_db()
    assert comment.resolved and comment.resolved_by == org["drafter"]
    to_signed(org, decision)
    assert decision.status == PublicationStatus.SIGNED and decision.signer == org["chairman"]
    assert [e.action for e in decision.events.all()] == [
        "create",
        "submit_for_review",
        "return_for_revision",
        "submit_for_review",
        "accept",
        "submit_to_chairman",
        "sign",
    ]

    # Nothing changes before the effective date.
    assert services.publication_apply_due(today=EFFECTIVE_ON - dt.timedelta(days=1)).applied == []
    assert "1.009990" not in current_codes()

    report = services.publication_apply_due(today=EFFECTIVE_ON)
    assert report.applied == [decision] and report.failed == []
    decision.refresh_from_db()
    assert decision.status == PublicationStatus.EFFECTIVE and decision.applied_on == EFFECTIVE_ON
    assert current_codes() == {
        "1.009990": "Đăng ký lại kết hôn",
        "1.000894": "Đăng ký kết hôn có yếu tố nước ngoài",
        "2.002000": "Cấp Phiếu lý lịch tư pháp số 1",
    }

    # The old version is kept as it was, only closed on the effective date: an open dossier referencing it
    # by primary key keeps its rules.
    old = ProcedureVersion.objects.get(pk=old_marriage.pk)
    assert (old.name, [d.name for d in old.documents.all()], old.valid_from) == old_snapshot
    assert old.valid_to == EFFECTIVE_ON and not old.is_current
    new = ProcedureVersion.objects.get(procedure__code="1.000894", is_current=True)
    assert new.number == 2 and new.valid_from == EFFECTIVE_ON
    item = PublicationItem.objects.get(pk=amended.pk)
    assert (item.previous_version_id, item.applied_version_id) == (old.pk, new.pk)
    abolished = ProcedureVersion.objects.get(procedure__code="1.001193")
    assert abolished.valid_to == EFFECTIVE_ON and not abolished.is_current

    # The difference between the versions, field by field and list by list.
    with translation.override("en"):
        diff = selectors.procedure_version_diff(code="1.000894", from_number=1, to_number=2)
    # The factory's version has a result and a legal basis; the record published here has neither.
    assert {f.label for f in diff.changed_fields} == {"Name", "Result", "Legal basis"}
    assert (
        diff.fields[0].old == "Đăng ký kết hôn"
        and diff.fields[0].new == "Đăng ký kết hôn có yếu tố nước ngoài"
    )
    documents, fees, steps = diff.lists
    assert documents.added == ["Giấy xác nhận tình trạng hôn nhân"] and documents.removed == [
        "Giấy tờ tùy thân"
    ]
    assert [name for name, _old, _new in fees.changed] == ["Lệ phí"]
    assert steps.added and steps.removed  # the internal process was rewritten
    page = client.get("/van-phong/thu-tuc/1.000894/so-sanh/?from=1&to=2")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Giấy xác nhận tình trạng hôn nhân" in html and "Giấy tờ tùy thân" in html
    assert "Đăng ký kết hôn có yếu tố nước ngoài" in html
    # The public list shows the decision with its items and the link to the difference.
    listing = client.get("/van-phong/quyet-dinh/").content.decode()
    assert "125/QĐ-UBND" in listing and "so-sanh/?from=1&amp;to=2" in listing

    # Applying again changes nothing.
    versions_before = list(
        ProcedureVersion.objects.order_by("pk").values_list("pk", "valid_to", "is_current")
    )
    assert services.publication_apply_due(today=EFFECTIVE_ON).applied == []
    assert services.publication_apply(decision=decision, today=EFFECTIVE_ON + dt.timedelta(days=3)) is False
    assert (
        list(ProcedureVersion.objects.order_by("pk").values_list("pk", "valid_to", "is_current"))
        == versions_before
    )


def test_roles(org, catalog):
    decision = draft(org)
    with pytest.raises(PermissionDenied):  # another department cannot edit or submit this draft
        services.publication_item_add(
            actor=org["other"], decision=decision, change=ChangeKind.ABOLISHED, procedure_code="2.001263"
        )
    with pytest.raises(PermissionDenied):
        services.publication_decision_create(actor=org["reviewer"], drafting_agency=org["justice"], title="x")
    services.publication_submit_for_review(actor=org["drafter"], decision=decision)
    with pytest.raises(PermissionDenied):  # department staff cannot accept
        services.publication_accept(actor=org["drafter"], decision=decision)
    with pytest.raises(PermissionDenied):
        services.publication_comment(actor=org["drafter"], decision=decision, text="ok")
    services.publication_accept(actor=org["reviewer"], decision=decision)
    services.publication_submit_to_chairman(actor=org["reviewer"], decision=decision)
    sign = dict(decision=decision, number="1/QĐ-UBND", signed_on=SIGNED_ON, effective_on=EFFECTIVE_ON)
    with pytest.raises(PermissionDenied):  # the reviewer cannot sign
        services.publication_sign(actor=org["reviewer"], **sign)
    with pytest.raises(PermissionDenied):
        services.publication_sign(actor=org["drafter"], **sign)
    services.publication_sign(actor=org["chairman"], **sign)  # the Chairman signs
    assert decision.status == PublicationStatus.SIGNED


def test_visibility_of_drafts(org, catalog):
    decision = draft(org)
    assert selectors.publication_decision_for(org["drafter"], pk=decision.pk) == decision
    for user in ("other", "reviewer", "chairman"):
        with pytest.raises(NotFound):
            selectors.publication_decision_for(org[user], pk=decision.pk)
    services.publication_submit_for_review(actor=org["drafter"], decision=decision)
    assert list(selectors.publication_work_queue(org["reviewer"])) == [decision]
    assert list(selectors.publication_work_queue(org["drafter"])) == []
    with pytest.raises(NotFound):
        selectors.publication_decision_public(pk=decision.pk)


def test_stale_revision_is_refused(org, catalog):
    decision = draft(org)
    seen = decision.version
    services.publication_item_add(
        actor=org["drafter"],
        decision=decision,
        change=ChangeKind.NEW,
        procedure_code="1.009991",
        record=record("Thủ tục khác"),
    )
    with pytest.raises(Conflict) as exc:
        services.publication_submit_for_review(actor=org["drafter"], decision=decision, version=seen)
    assert exc.value.code == "publication_stale"


@pytest.mark.parametrize(
    "change,code,replaces,bad_record,error",
    [
        (ChangeKind.NEW, "1.000894", "", False, "publication_exists"),
        (ChangeKind.AMENDED, "1.777777", "", False, "publication_unknown_code"),
        (ChangeKind.ABOLISHED, "1.777777", "", False, "publication_unknown_code"),
        (ChangeKind.REPLACED, "2.002000", "1.777777", False, "publication_unknown_code"),
        (ChangeKind.NEW, "not-a-code", "", False, "publication_bad_code"),
        (ChangeKind.NEW, "1.009990", "", True, "publication_bad_record"),
    ],
)
def test_items_are_checked_against_the_catalog(org, catalog, change, code, replaces, bad_record, error):
    decision = services.publication_decision_create(
        actor=org["drafter"], drafting_agency=org["justice"], title="t"
    )
    data = (
        {"name": "x", "field_name": "y", "level_codes": ["nowhere"], "time_limit_value": "0.1"}
        if bad_record
        else (None if change == ChangeKind.ABOLISHED else record("Tên"))
    )
    with pytest.raises(InvalidInput) as exc:
        services.publication_item_add(
            actor=org["drafter"],
            decision=decision,
            change=change,
            procedure_code=code,
            replaces_code=replaces,
            record=data,
        )
    assert exc.value.code == error


def test_items_from_a_spreadsheet(org, catalog):
    decision = services.publication_decision_create(
        actor=org["drafter"], drafting_agency=org["justice"], title="t"
    )
    sheet = (
        "code,name,field,levels,time_limit,documents\n"
        "1.000894,Đăng ký kết hôn (sửa đổi),Hộ tịch,commune,5,Tờ khai\n"
        "1.009995,Thủ tục mới,Hộ tịch,commune,2,Tờ khai\n"
    )
    items = services.publication_items_import(
        actor=org["drafter"], decision=decision, file_obj=io.BytesIO(sheet.encode()), filename="tthc.csv"
    )
    assert [(i.procedure_code, i.change, i.name) for i in items] == [
        ("1.000894", ChangeKind.AMENDED, "Đăng ký kết hôn (sửa đổi)"),
        ("1.009995", ChangeKind.NEW, "Thủ tục mới"),
    ]
    assert items[0].record["time_limit_value"] == "5" and items[0].record["documents"][0]["name"] == "Tờ khai"
    with pytest.raises(InvalidInput) as exc:
        services.publication_items_import(
            actor=org["drafter"],
            decision=decision,
            file_obj=io.BytesIO(b"code,name\n1.1,x\n"),
            filename="x.csv",
        )
    assert exc.value.code in ("import_invalid", "import_bad_file")


def test_publish_scheduled_command_is_safe_to_run_daily(org, catalog):
    decision = services.publication_decision_create(
        actor=org["drafter"], drafting_agency=org["justice"], title="t"
    )
    services.publication_item_add(
        actor=org["drafter"], decision=decision, change=ChangeKind.ABOLISHED, procedure_code="1.001193"
    )
    to_signed(org, decision, number="7/QĐ-UBND")
    out = io.StringIO()
    call_command("publish_scheduled", "--date", str(EFFECTIVE_ON - dt.timedelta(days=1)), stdout=out)
    assert "0 decision(s) applied" in out.getvalue()
    for _run in range(2):
        call_command("publish_scheduled", "--date", str(EFFECTIVE_ON), stdout=out)
        call_command("catalog_refresh", "--date", str(EFFECTIVE_ON), stdout=io.StringIO())
    decision.refresh_from_db()
    assert (
        decision.status == PublicationStatus.EFFECTIVE and decision.events.filter(action="apply").count() == 1
    )
    assert "1.001193" not in current_codes()
    with pytest.raises(CommandError):
        call_command("publish_scheduled", "--date", EFFECTIVE_ON.strftime("%d/%m/%Y"))


def test_a_faulty_decision_does_not_block_the_others(org, catalog):
    first = services.publication_decision_create(
        actor=org["drafter"], drafting_agency=org["justice"], title="a"
    )
    services.publication_item_add(
        actor=org["drafter"],
        decision=first,
        change=ChangeKind.NEW,
        procedure_code="1.009996",
        record=record("A"),
    )
    to_signed(org, first, number="8/QĐ-UBND")
    second = services.publication_decision_create(
        actor=org["drafter"], drafting_agency=org["justice"], title="b"
    )
    services.publication_item_add(
        actor=org["drafter"], decision=second, change=ChangeKind.ABOLISHED, procedure_code="1.001193"
    )
    to_signed(org, second, number="9/QĐ-UBND")
    PublicationItem.objects.filter(decision=first).update(record={"name": "broken"})
    report = services.publication_apply_due(today=EFFECTIVE_ON)
    assert report.applied == [second] and [d for d, _msg in report.failed] == [first]
    first.refresh_from_db()
    assert first.status == PublicationStatus.SIGNED


def test_sign_checks_number_and_dates(org, catalog):
    decision = services.publication_decision_create(
        actor=org["drafter"], drafting_agency=org["justice"], title="t"
    )
    services.publication_item_add(
        actor=org["drafter"], decision=decision, change=ChangeKind.ABOLISHED, procedure_code="1.001193"
    )
    services.publication_submit_for_review(actor=org["drafter"], decision=decision)
    services.publication_accept(actor=org["reviewer"], decision=decision)
    services.publication_submit_to_chairman(actor=org["reviewer"], decision=decision)
    with pytest.raises(InvalidInput):
        services.publication_sign(
            actor=org["chairman"],
            decision=decision,
            number="1/QĐ",
            signed_on=SIGNED_ON,
            effective_on=SIGNED_ON - dt.timedelta(days=1),
        )
    with pytest.raises(InvalidInput):
        services.publication_sign(
            actor=org["chairman"], decision=decision, number=" ", signed_on=SIGNED_ON, effective_on=SIGNED_ON
        )


def test_staff_pages(org, catalog, client):
    decision = draft(org)
    assert client.get("/van-phong/quyet-dinh/xu-ly/").status_code == 302  # login required
    client.force_login(org["drafter"])
    page = client.get(f"/van-phong/quyet-dinh/{decision.pk}/xu-ly/")
    assert page.status_code == 200 and "submit_for_review" in page.content.decode()
    response = client.post(
        f"/van-phong/quyet-dinh/{decision.pk}/hanh-dong/", {"action": "accept", "version": decision.version}
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == PublicationStatus.DRAFT  # refused, with a message
    client.post(
        f"/van-phong/quyet-dinh/{decision.pk}/hanh-dong/",
        {"action": "submit_for_review", "version": decision.version},
    )
    decision.refresh_from_db()
    assert decision.status == PublicationStatus.UNDER_REVIEW

    client.force_login(org["reviewer"])
    queue = client.get("/van-phong/quyet-dinh/xu-ly/").content.decode()
    assert decision.title in queue
    page = client.get(f"/van-phong/quyet-dinh/{decision.pk}/xu-ly/").content.decode()
    assert 'value="accept"' in page and 'value="return_for_revision"' in page and 'value="sign"' not in page
    # The decision's history speaks the reader's language (Vietnamese by default), not status codes.
    history = page.split("<ol>")[-1]
    assert "Tạo mới (— → dự thảo)" in history and "Gửi thẩm tra (dự thảo → đang thẩm tra)" in history
    assert "under_review" not in history
    client.force_login(org["other"])
    assert client.get(f"/van-phong/quyet-dinh/{decision.pk}/xu-ly/").status_code == 404


def test_public_pages_and_api(org, catalog, client):
    decision = draft(org)
    assert client.get(f"/van-phong/quyet-dinh/{decision.pk}/").status_code == 404  # not signed yet
    assert client.get("/api/v1/publication-decisions").json()["count"] == 0
    to_signed(org, decision)
    body = client.get("/api/v1/publication-decisions").json()
    assert body["count"] == 1 and body["items"][0]["number"] == "125/QĐ-UBND"
    detail = client.get(f"/api/v1/publication-decisions/{decision.pk}").json()
    assert [i["change"] for i in detail["items"]] == ["new", "amended", "abolished", "replaced"]
    assert detail["items"][0]["record"]["name"] == "Đăng ký lại kết hôn"
    assert client.get("/api/v1/publication-decisions/999999").json()["code"] == "publication_not_found"
    assert client.get(f"/van-phong/quyet-dinh/{decision.pk}/").status_code == 200
    assert client.get("/van-phong/thu-tuc/9.999999/so-sanh/").status_code == 404
    assert client.get("/van-phong/thu-tuc/1.000894/so-sanh/?to=7").status_code == 404
    assert client.get("/van-phong/thu-tuc/1.000894/so-sanh/").status_code == 200  # one version: same


def test_record_round_trip():
    UnitLevelFactory(code="commune")
    data = record("Đăng ký kết hôn")
    assert services.record_validate(data) == data
    restored = services.data_from_record(code="1.000894", record=data, valid_from=EFFECTIVE_ON)
    assert restored.documents[1].name == "Giấy tờ tùy thân" and restored.steps[1].duration_days == Decimal(
        "2.5"
    )
    with pytest.raises(InvalidInput) as exc:
        services.record_validate({**data, "online_service": "sometimes", "unexpected": 1})
    assert {d["field"] for d in exc.value.details} == {"online_service", "unexpected"}


def test_the_chairman_signs_on_the_page(org, catalog, client):
    decision = draft(org)
    services.publication_submit_for_review(actor=org["drafter"], decision=decision)
    services.publication_accept(actor=org["reviewer"], decision=decision)
    services.publication_submit_to_chairman(actor=org["reviewer"], decision=decision)
    client.force_login(org["chairman"])
    page = client.get(f"/van-phong/quyet-dinh/{decision.pk}/xu-ly/").content.decode()
    assert 'value="sign"' in page and 'name="effective_on"' in page
    url = f"/van-phong/quyet-dinh/{decision.pk}/hanh-dong/"
    client.post(
        url, {"action": "sign", "version": decision.version, "number": "5/QĐ-UBND", "signed_on": "bad"}
    )
    decision.refresh_from_db()
    assert decision.status == PublicationStatus.SUBMITTED  # a bad date is a message, not a 500
    client.post(
        url,
        {
            "action": "sign",
            "version": decision.version,
            "number": "5/QĐ-UBND",
            "signed_on": str(SIGNED_ON),
            "effective_on": str(EFFECTIVE_ON),
        },
    )
    decision.refresh_from_db()
    assert decision.status == PublicationStatus.SIGNED and decision.effective_on == EFFECTIVE_ON


def _sheet(count: str) -> io.BytesIO:
    return io.BytesIO(
        (
            "code,name,field,levels,time_limit,documents,steps\n"
            f'1.009996,Thủ tục thử,Hộ tịch,commune,1,"Tờ khai | bản chính | {count}",'
            '"Tiếp nhận | receiving_officer | 0.25\nGiải quyết | specialist | 0.75"\n'
        ).encode()
    )


def test_a_sheet_imported_into_a_decision_is_refused_at_import_or_takes_effect(org, catalog):
    """One validator for the sheet and the decision's record: a count the record would refuse is refused
    when the sheet is imported (it used to be stored, then the signed decision could never apply)."""
    decision = services.publication_decision_create(
        actor=org["drafter"], drafting_agency=org["justice"], title="Công bố TTHC mới"
    )
    with pytest.raises(InvalidInput) as exc:
        services.publication_items_import(
            actor=org["drafter"], decision=decision, file_obj=_sheet("500"), filename="tthc.csv"
        )
    assert exc.value.code == "import_invalid"
    assert exc.value.details == [
        {"line": 2, "column": "documents", "message": "item 1: the count must be between 1 and 100"}
    ]
    assert not decision.items.exists()

    services.publication_items_import(
        actor=org["drafter"], decision=decision, file_obj=_sheet("2"), filename="tthc.csv"
    )
    to_signed(org, decision)
    report = services.publication_apply_due(today=EFFECTIVE_ON)
    decision.refresh_from_db()
    assert report.applied == [decision] and decision.status == PublicationStatus.EFFECTIVE
    version = ProcedureVersion.objects.get(procedure__code="1.009996", is_current=True)
    assert [(d.name, d.count) for d in version.documents.all()] == [("Tờ khai", 2)]


def test_the_admin_applies_the_same_rules(org):
    """The models' clean() (what the admin runs) refuses what the sheet and the record refuse."""
    from django.core.exceptions import ValidationError

    from motcua.catalog.models import ProcessStep, RequiredDocument

    version = make_procedure("1.009997", "Thủ tục thử")
    with pytest.raises(ValidationError) as exc:
        RequiredDocument(version=version, position=9, name="Tờ khai", count=500).full_clean()
    assert exc.value.message_dict == {"count": ["the count must be between 1 and 100"]}
    with pytest.raises(ValidationError) as exc:
        ProcessStep(
            version=version, position=9, name="Nộp", role=Role.CITIZEN, duration_days=Decimal("0.0005")
        ).full_clean()
    assert set(exc.value.message_dict) == {"role", "duration_days"}
