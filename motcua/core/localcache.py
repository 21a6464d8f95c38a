"""Reference data kept in the process between requests, dropped everywhere when it changes.

The busiest write, a dossier's reception (bench/bench_intake.py), reads rows that change a few times a year
(the procedure's version in force with its internal process, the desk). Reading them once per process
saves most of a reception's queries. Each `LocalCache` keeps its entries in the process, tagged with a
generation number stored in Django's cache (Redis in production, shared by every process): a change bumps
the generation and every process drops its entries at its next read. With a per-process cache backend
(LocMemCache, the embedded default) another process cannot see the bump, so entries also expire after
`ttl` seconds.

    intake = LocalCache("catalog:intake", ttl=60)
    version = intake.get(code, lambda: load(code))     # load() runs once per process and generation
    intake.watch(ProcedureVersion, ProcessStep)        # saves and deletes of these rows invalidate
    intake.invalidate()                                # after a bulk write (queryset.update) that could
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


class LocalCache:
    every: list[LocalCache] = []  # the module-level caches of all apps, for `clear_all`

    def __init__(self, name: str, *, ttl: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.key = f"motcua:localcache:{name}"
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._entries: dict[Any, tuple[Any, Any, float]] = {}  # key -> (value, generation, loaded at)
        LocalCache.every.append(self)

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        """The value for `key`, loaded by `load()` unless this process holds a fresh one. A None from
        `load` is returned but not kept, and its exceptions propagate (a missing row is looked up again
        next time; unknown keys cannot fill the memory)."""
        generation = cache.get(self.key)
        entry = self._entries.get(key)
        if entry is not None and entry[1] == generation and self.clock() - entry[2] < self.ttl:
            return entry[0]
        value = load()
        if value is None:
            return None
        with self._lock:
            self._entries[key] = (value, generation, self.clock())
        return value

    def invalidate(self) -> None:
        """Drop the entries of every process: bump the shared generation, clear this process's copy."""
        cache.set(self.key, time.time_ns(), timeout=None)
        self.clear()

    def watch(self, *models: type) -> None:
        """Invalidate whenever a row of `models` is saved or deleted, or (for a many-to-many `through`
        model) a link is added or removed: at once, and again when the transaction commits, so that no
        process reloads the old row between the two."""
        for model in models:
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(
                    self._on_signal, sender=model, weak=False, dispatch_uid=(self.key, signal, model)
                )

    def _on_signal(self, sender, using=None, **kwargs) -> None:
        self.changed(using=using)

    def changed(self, *, using: str | None = None) -> None:
        """After a write the signals do not see (a queryset's update): invalidate now, and again when the
        transaction commits, so that no process reloads the old rows in between."""
        self.invalidate()
        transaction.on_commit(self.invalidate, using=using)

    def clear(self) -> None:
        """Drop this process's entries only."""
        with self._lock:
            self._entries.clear()

    @classmethod
    def clear_all(cls) -> None:
        """Drop every cache's entries in this process (tests call it between cases: their rows roll back)."""
        for each in cls.every:
            each.clear()
