"""Private file storage: files that only a view checking who may read them serves (docs/design.md §7).

Public uploads live under MEDIA_ROOT, which a web server may publish at MEDIA_URL. Private files (the
electronic results of dossiers) live under PRIVATE_MEDIA_ROOT, outside it, and have no URL at all: a
view finds the row through a selector scoped by the user and streams the file itself.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible(path="motcua.core.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """File system storage under settings.PRIVATE_MEDIA_ROOT, without URLs."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("A private file has no URL: serve it through a view that checks permission.")
