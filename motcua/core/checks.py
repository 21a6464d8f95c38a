"""motcua's own deploy checks (`manage.py check --deploy`): the URLs and keys a production instance needs.

Django's checks cover HTTPS cookies, HSTS and the like; these cover what only motcua knows: the public
address printed in every receipt's QR code (`SITE_ROOT`), the audit key kept outside the database
(`AUDIT_KEY_FILE`), the secret key, and the shared cache that makes rate limits hold across app servers.
Each problem has a stable id (motcua.E001…) so a deployment can read the output.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

DEV_SECRET_PREFIX = "motcua-insecure-development-key"


@register(Tags.security, deploy=True)
def production_settings(app_configs=None, **kwargs) -> list:
    problems = []
    site_root = (getattr(settings, "SITE_ROOT", "") or "").strip()
    parts = urlsplit(site_root)
    if not site_root:
        problems.append(
            Error(
                "SITE_ROOT is not set.",
                hint="Set SITE_ROOT to the public address, e.g. https://dichvucong.sonla.gov.vn: the QR codes on "
                "every receipt and the links in every notice point there.",
                id="motcua.E001",
            )
        )
    elif parts.scheme != "https" or not parts.hostname:
        problems.append(
            Error(
                f"SITE_ROOT {site_root!r} is not an https:// address.",
                hint="Citizens scan it from printed receipts: it must be the public HTTPS address.",
                id="motcua.E002",
            )
        )
    elif parts.hostname in ("127.0.0.1", "localhost") or (
        "*" not in settings.ALLOWED_HOSTS and parts.hostname not in settings.ALLOWED_HOSTS
    ):
        problems.append(
            Error(
                f"SITE_ROOT's host {parts.hostname!r} is not one of ALLOWED_HOSTS (or is a local address).",
                hint="Add the public host to ALLOWED_HOSTS, or correct SITE_ROOT.",
                id="motcua.E003",
            )
        )
    key_file = getattr(settings, "AUDIT_KEY_FILE", "")
    if not key_file:
        problems.append(
            Error(
                "AUDIT_KEY_FILE is not set: the audit chain is keyed with a key derived from SECRET_KEY.",
                hint="Create a file of lines '<key id> <secret>' outside the database server and the code, "
                "readable by the application only, and name it in AUDIT_KEY_FILE.",
                id="motcua.E004",
            )
        )
    elif not Path(key_file).is_file():
        problems.append(Error(f"AUDIT_KEY_FILE {key_file!r} does not exist.", id="motcua.E005"))
    else:
        from motcua.dossiers.audit import audit_keys

        try:
            keys = audit_keys()
        except Exception as error:  # the message names the bad line
            problems.append(Error(f"AUDIT_KEY_FILE cannot be read: {error}", id="motcua.E006"))
        else:
            if any(len(secret) < 32 for _id, secret in keys):
                problems.append(Error("An audit key is shorter than 32 characters.", id="motcua.E007"))
    if settings.SECRET_KEY.startswith(DEV_SECRET_PREFIX):
        problems.append(
            Error(
                "SECRET_KEY is the development key.",
                hint="Set SECRET_KEY or SECRET_KEY_FILE.",
                id="motcua.E008",
            )
        )
    if not getattr(settings, "REDIS_URL", ""):
        problems.append(
            Warning(
                "REDIS_URL is not set: rate limits and caches are counted per process.",
                hint="With several app servers, sign-in and tracking limits only hold on a shared cache.",
                id="motcua.W001",
            )
        )
    return problems
