"""The project's URLs plus one view that fails, to see the 500 page (test_error_pages.py)."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def _fails(request):
    raise RuntimeError("a bug")


urlpatterns = [path("loi-thu/", _fails), *urlpatterns]
