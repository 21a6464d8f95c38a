"""Open311 GeoReport v2 endpoints under /open311/v2/."""

from django.urls import re_path

from motcua.feedback import open311

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^v2/services" + FORMAT, open311.service_list, name="open311_services"),
    re_path(
        r"^v2/services/(?P<service_code>[-\w]+)" + FORMAT, open311.service_definition, name="open311_service"
    ),
    re_path(r"^v2/requests" + FORMAT, open311.requests_collection, name="open311_requests"),
    re_path(
        r"^v2/requests/(?P<service_request_id>[-\w]+)" + FORMAT,
        open311.request_detail,
        name="open311_request",
    ),
    re_path(r"^(?P<path>.*)$", open311.not_found, name="open311_not_found"),
]
