"""Domain errors on pages, handled once (core/pages.py), as the API's exception handler does for JSON."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from motcua.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from motcua.core.pages import DomainErrorPageMiddleware, errors_to_messages

pytestmark = pytest.mark.django_db


def _request(method="get"):
    request = getattr(RequestFactory(), method)("/van-phong/ke-hoach/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _page(exc):
    middleware = DomainErrorPageMiddleware(lambda request: None)
    return middleware.process_exception(_request(), exc)


def test_each_domain_error_is_a_page_with_its_status_and_message():
    response = _page(InvalidInput("Tiến độ là phần trăm từ 0 đến 100.", code="task_bad_progress"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tiến độ là phần trăm từ 0 đến 100." in page and 'data-code="task_bad_progress"' in page
    assert "<html" in page  # the site's layout, not a bare error
    assert _page(Conflict("Đã có người khác sửa.", code="stale")).status_code == 409
    assert _page(NotFound("Không tìm thấy.")).status_code == 404
    assert _page(PermissionDenied("Không được phép.")).status_code == 403
    assert _page(ValueError("not ours")) is None  # anything else is Django's business (a 500, logged)


def test_a_post_views_error_goes_back_as_a_message():
    @errors_to_messages(lambda pk: f"/van-phong/ke-hoach/nhiem-vu/{pk}/")
    def view(request, pk):
        raise Conflict("Nhiệm vụ đã đóng.", code="task_closed", details=[{"line": 2, "message": "x"}])

    request = _request("post")
    response = view(request, pk=7)
    assert response.status_code == 302 and response["Location"] == "/van-phong/ke-hoach/nhiem-vu/7/"
    assert [str(m) for m in request._messages] == ["Nhiệm vụ đã đóng.", "2, x"]

    @errors_to_messages("/")
    def missing(request):
        raise NotFound("Không tìm thấy.")

    with pytest.raises(NotFound):  # no page to go back to: the middleware shows the 404 page
        missing(_request("post"))
