"""The project's settings for load tests: every request of a bench comes from 127.0.0.1, so the per-IP
rate limits (motcua/core/ratelimit.py, e.g. 30 tracking lookups a minute) would answer 429 after a few
requests. Only that differs; `Gunicorn(url, settings="bench_settings")` selects this module."""

from config.settings import *  # noqa: F403

MOTCUA_RATE_LIMITS_ENABLED = False

# Django logs every 4xx answer ("Not Found: …", "Conflict: …") at WARNING: thousands of lines a second
# in the benches that count refusals (the tracking floor, conflicting actions). Errors still show.
LOGGING = {**LOGGING, "loggers": {"django.request": {"level": "ERROR"}}}  # noqa: F405
