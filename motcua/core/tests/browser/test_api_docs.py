"""The API docs page works on a closed network: Swagger UI's script and styles come from this server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_api_docs_render_with_every_outside_request_refused(live_server, page, transactional_db):
    """Every request to another host is aborted, as on a closed network; the docs still render the API."""
    own_host = urlsplit(live_server.url).netloc
    outside: list[str] = []

    def only_this_server(route):
        if urlsplit(route.request.url).netloc == own_host:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    response = page.goto(f"{live_server.url}/api/docs")
    assert response is not None and response.status == 200
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("motcua API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert outside == [], f"the docs page asked other hosts: {outside}"
