"""motcua settings: one module, everything from the environment.

SQLite under var/ unless DATABASE_URL is set. Secrets may also come from a file named by the
same variable with a _FILE suffix (Docker/Kubernetes secrets). Every value is parsed and checked here
(`config.env`), once: a boolean, number, choice or time that does not parse stops start-up with a message
naming the variable, and the code reads `settings.X` already typed.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env, envbool, envchoice, envfloat, envint, envlist, envtime

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = envbool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "motcua-insecure-development-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# The public address (QR codes on receipts, links in notices): required in production (deploy check).
SITE_ROOT = env("SITE_ROOT", "http://127.0.0.1:8000" if DEBUG else "")
# The audit key file (motcua.dossiers.audit): lines "<key id> <secret>", the first signs. Kept outside the
# database, so that write access to the database is not enough to rewrite the dossiers' history.
AUDIT_KEY_FILE = env("AUDIT_KEY_FILE", "") or ""
# Checkpoints of the public audit ledger close periods of this many minutes, this long after their end.
MOTCUA_AUDIT_PERIOD_MINUTES = envint("MOTCUA_AUDIT_PERIOD_MINUTES", 60, minimum=1)
MOTCUA_AUDIT_GRACE_MINUTES = envint("MOTCUA_AUDIT_GRACE_MINUTES", 5)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # django-ninja as an app: /api/docs then loads the Swagger UI it ships (ninja/static/) from this
    # server instead of a CDN, so the API docs work on a closed network and under a strict CSP.
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "motcua.core",
    "motcua.org",
    "motcua.workdays",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.filing",
    "motcua.dvcqg",
    "motcua.payments",
    "motcua.ratings",
    "motcua.feedback",
    "motcua.control",
    "motcua.stats",
    "motcua.portal",
    "motcua.demo",
    "oauth2_provider",
    "motcua.idp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.ChosenLanguageMiddleware",
    "motcua.core.middleware.RejectNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "motcua.org.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A domain error a page let through becomes a 404/403 page or a page with its message (core/pages.py).
    "motcua.core.pages.DomainErrorPageMiddleware",
    "motcua.core.middleware.SessionIdleTimeoutMiddleware",
    "motcua.catalog.middleware.ApplyDueDecisionsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
# A form refused by the CSRF check gets the site's 403 page with what to do (motcua/core/error_pages.py).
CSRF_FAILURE_VIEW = "motcua.core.error_pages.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "motcua.org.context_processors.roles",
                "motcua.portal.context_processors.site_contact",
            ],
        },
    },
]

VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}") or "",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
# Citizens sign in with their e-mail or phone number; staff with their username.
AUTHENTICATION_BACKENDS = ["motcua.org.backends.EmailOrPhoneBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# A browser session ends after this many seconds whatever happens (absolute lifetime, default 12 hours) and
# after MOTCUA_SESSION_IDLE_MINUTES without a request (default 60; 0 switches the idle timeout off).
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 3600, minimum=60)
MOTCUA_SESSION_IDLE_MINUTES = envint("MOTCUA_SESSION_IDLE_MINUTES", 60)
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")) or VAR_DIR / "media")
# Files only a view that checks permission may serve (electronic results): outside MEDIA_ROOT, no URL.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")) or VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Largest accepted upload (catalog import files, later dossier attachments).
MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES

# Production hardening: on whenever DEBUG is off, so `check --deploy` is clean. HTTPS_ONLY=False keeps DEBUG
# off (the site's own error pages, no stack traces, no URL list) on plain HTTP over loopback: the demo
# (`make run`); `check --deploy` then warns, as it should for anything facing the public.
HTTPS_ONLY = envbool("HTTPS_ONLY", not DEBUG)
if HTTPS_ONLY:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": envchoice("LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
}

# Background work through the django-tasks API (Django 6's task framework, backported): run at once in
# the embedded default; TASKS_BACKEND=database queues them in the database for `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[envchoice("TASKS_BACKEND", "immediate", ("immediate", "database"))],
    }
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "motcua <no-reply@motcua.local>")

# --- motcua ---------------------------------------------------------------------------------
# Province this deployment serves (official code, Decision 19/2025/QĐ-TTg).
MOTCUA_PROVINCE_CODE = env("MOTCUA_PROVINCE_CODE", "14")
# How citizens reach the service centre, printed in every page's footer. The defaults are the demo's
# placeholders (a 1900 number and an example address): set the real ones in production.
MOTCUA_CONTACT_ADDRESS = env(
    "MOTCUA_CONTACT_ADDRESS", "Trung tâm Phục vụ hành chính công tỉnh Sơn La (địa chỉ minh họa)"
)
MOTCUA_CONTACT_HOTLINE = env("MOTCUA_CONTACT_HOTLINE", "1900 0000")
MOTCUA_CONTACT_EMAIL = env("MOTCUA_CONTACT_EMAIL", "motcua@example.gov.vn")
MOTCUA_CONTACT_HOURS = env(
    "MOTCUA_CONTACT_HOURS", "Thứ Hai – Thứ Sáu: sáng 07:30–11:30, chiều 13:30–17:30 (trừ ngày lễ, Tết)"
)
# Default office sessions when none are configured in the database: (start, end) local times.
MOTCUA_DEFAULT_OFFICE_SESSIONS = [("07:30", "11:30"), ("13:30", "17:30")]
# Length of one working day in hours: provinces print "30 ngày | 240 giờ".
MOTCUA_WORKDAY_HOURS = envint("MOTCUA_WORKDAY_HOURS", 8, minimum=1, maximum=24)
# API bearer tokens live this many days.
MOTCUA_API_TOKEN_DAYS = envint("MOTCUA_API_TOKEN_DAYS", 30, minimum=1)
# SMS gateway: a dotted path to a class with send(phone, text). The default writes to the log/console.
MOTCUA_SMS_BACKEND = env("MOTCUA_SMS_BACKEND", "motcua.core.sms.ConsoleSMSBackend")
# No notification SMS between these local times ("HH:MM-HH:MM", may span midnight; empty: none). With the
# database task queue they are sent when the quiet hours end; codes a person waits for are never held.
MOTCUA_SMS_QUIET_HOURS = env("MOTCUA_SMS_QUIET_HOURS", "21:00-07:00")
# A transfer received after this local time starts at the next working session (docs/design.md §4).
MOTCUA_TRANSFER_CUTOFF = envtime("MOTCUA_TRANSFER_CUTOFF", "15:00")
# Which desk receives a dossier filed online or by post: "own" (the deciding agency's desk when it has one,
# e.g. a commune's, else the province centre) or "centre" (always the province centre).
MOTCUA_FILING_DESK = env("MOTCUA_FILING_DESK", "own")
# The province's Public Administration Service Centre (an agency identifier); empty: the one service centre.
MOTCUA_CENTRE_AGENCY = env("MOTCUA_CENTRE_AGENCY", "")
# The apology-and-extension letter (Form 04) is issued at least this many working days before the legal
# due moment (Decree 61/2018 as amended: no later than 1 working day before; docs/design.md §4).
MOTCUA_APOLOGY_NOTICE_WORKING_DAYS = envint("MOTCUA_APOLOGY_NOTICE_WORKING_DAYS", 1)
# A Form 04 asked for after that moment: "refuse" it (409 apology_too_late), or "accept" it and flag the
# event `late_notice` for the statistics and the inspectors.
MOTCUA_LATE_APOLOGY_POLICY = envchoice("MOTCUA_LATE_APOLOGY_POLICY", "refuse", ("refuse", "accept"))
# The electronic result (kết quả điện tử) an agency attaches to a dossier: a PDF of at most this size.
MOTCUA_RESULT_MAX_BYTES = envint("MOTCUA_RESULT_MAX_BYTES", MAX_UPLOAD_BYTES, minimum=1)
# Online filing: the most a dossier's attachments may weigh together, and how many files it may hold.
FILING_MAX_TOTAL_BYTES = envint("FILING_MAX_TOTAL_BYTES", 50 * 1024 * 1024, minimum=1)
FILING_MAX_FILES = envint("FILING_MAX_FILES", 40, minimum=1)
# Rate limits (motcua.core.ratelimit): on unless turned off; per-bucket overrides such as
# {"login": "5/900s"} are set here in code, the defaults live beside the buckets.
MOTCUA_RATE_LIMITS_ENABLED = envbool("MOTCUA_RATE_LIMITS_ENABLED", True)
MOTCUA_RATE_LIMITS: dict[str, str] = {}
# The request header holding the client's address when a trusted proxy sets it (e.g. HTTP_X_REAL_IP).
MOTCUA_CLIENT_IP_HEADER = env("MOTCUA_CLIENT_IP_HEADER", "REMOTE_ADDR") or "REMOTE_ADDR"
# Open311 jurisdiction ids accepted besides the province code (comma-separated).
MOTCUA_OPEN311_JURISDICTIONS = envlist("MOTCUA_OPEN311_JURISDICTIONS")
# A calendar declaration moving more open dossiers than this is applied by the task worker, not in the request.
MOTCUA_CALENDAR_INLINE_LIMIT = envint("MOTCUA_CALENDAR_INLINE_LIMIT", 20000)


# --- the National Public Service Portal (DVCQG, docs/dvcqg.md) -------------------------------------------
# Write an outbox row for the portal with each public change (off: nothing is queued).
DVCQG_OUTBOX = envbool("DVCQG_OUTBOX", True)
# The adapter class, and where it sends: by default the shipped simulator (`manage.py national_platform`).
DVCQG_ADAPTER = env("DVCQG_ADAPTER", "motcua.dvcqg.adapters.HttpPortal")
DVCQG_URL = env("DVCQG_URL", "http://127.0.0.1:8091")
DVCQG_USERNAME = env("DVCQG_USERNAME", "motcua")
DVCQG_PASSWORD = env("DVCQG_PASSWORD", "motcua-dvcqg")
DVCQG_TIMEOUT = envfloat("DVCQG_TIMEOUT", 5.0)  # seconds per call; a slower answer is a timeout
DVCQG_BATCH = envint("DVCQG_BATCH", 200, minimum=1)  # messages claimed per round
DVCQG_WORKER_THREADS = envint("DVCQG_WORKER_THREADS", 8, minimum=1)  # dossiers sent at once
DVCQG_LEASE_SECONDS = envint("DVCQG_LEASE_SECONDS", 120)  # a claim older than this is taken again
DVCQG_BACKOFF_BASE = envfloat("DVCQG_BACKOFF_BASE", 2.0)  # first retry after 1-2 s, then doubling
DVCQG_BACKOFF_MAX = envfloat("DVCQG_BACKOFF_MAX", 900.0)
DVCQG_MAX_ATTEMPTS = envint("DVCQG_MAX_ATTEMPTS", 30, minimum=1)  # then parked
DVCQG_POLL_SECONDS = envfloat("DVCQG_POLL_SECONDS", 0.5)
DVCQG_PULL_SECONDS = envfloat("DVCQG_PULL_SECONDS", 30.0)  # how often new national filings are pulled
DVCQG_SIMULATOR_DB = env("DVCQG_SIMULATOR_DB", str(VAR_DIR / "dvcqg-simulator.sqlite3"))

# --- online payment of fees (the national payment platform; docs/dvcqg.md) ---------------------------------
PAYMENT_URL = env("PAYMENT_URL", "http://127.0.0.1:8092")
PAYMENT_MERCHANT = env("PAYMENT_MERCHANT", "UBND-TINH-SON-LA")
PAYMENT_SECRET = env(
    "PAYMENT_SECRET", "motcua-payment-simulator-secret"
)  # signs the platform's notifications
PAYMENT_NOTIFY_LATE_MINUTES = envint("PAYMENT_NOTIFY_LATE_MINUTES", 60)  # an older notification is late


# --- sign-in: VNeID over OpenID Connect (issue 12; README "Sign-in with VNeID") -----------------------------
# Citizens and businesses sign in with their national electronic identity. The provider is configuration:
# its discovery document (or issuer), this site's client id and secret, the scopes, and the claim map.
# Unset, and with the demo provider on, motcua signs in against the stand-in served under /vneid-demo/.
MOTCUA_VNEID_ENABLED = envbool("MOTCUA_VNEID_ENABLED", True)
MOTCUA_VNEID_DISCOVERY_URL = env("MOTCUA_VNEID_DISCOVERY_URL", "") or ""  # …/.well-known/openid-configuration
MOTCUA_VNEID_CLIENT_ID = env("MOTCUA_VNEID_CLIENT_ID", "motcua-demo") or ""
MOTCUA_VNEID_CLIENT_SECRET = env("MOTCUA_VNEID_CLIENT_SECRET", "motcua-demo-client-secret") or ""
MOTCUA_VNEID_SCOPES = env("MOTCUA_VNEID_SCOPES", "openid profile email phone") or "openid"
MOTCUA_VNEID_TIMEOUT = envfloat("MOTCUA_VNEID_TIMEOUT", 5.0)  # seconds per call to the provider
# motcua field → the provider's claim name. The national provider's claim names are not public: these are
# the demo provider's; override each with MOTCUA_VNEID_CLAIM_<FIELD> (e.g. MOTCUA_VNEID_CLAIM_IDENTIFIER).
MOTCUA_VNEID_CLAIMS = {
    field: env(f"MOTCUA_VNEID_CLAIM_{field.upper()}", default) or default
    for field, default in {
        "identifier": "citizen_id",  # số định danh cá nhân (12 digits)
        "name": "name",
        "birth_date": "birthdate",  # ISO 8601 date
        "phone": "phone_number",
        "email": "email",
        "address": "address",
        "tax_code": "tax_code",  # mã số thuế, for an organisation's identity
        "organisation_name": "organization_name",
        "representative_name": "representative_name",  # the person acting for the organisation
        "representative_identifier": "representative_citizen_id",
    }.items()
}
# Signing out of motcua also ends the provider's session (RP-initiated logout) where it offers one.
MOTCUA_VNEID_LOGOUT = envbool("MOTCUA_VNEID_LOGOUT", True)
# Citizens' local passwords (register, sign in by e-mail or phone, reset): on in the demo so its users keep
# working; off in production, where citizens sign in only with VNeID. Staff always use username + password.
MOTCUA_CITIZEN_PASSWORDS = envbool("MOTCUA_CITIZEN_PASSWORDS", DEBUG)

# The demo stand-in for VNeID: an OpenID Connect provider (django-oauth-toolkit) in this same server, under
# /vneid-demo/, with the demo citizens and one business. On in the demo, off in production.
MOTCUA_LOCAL_IDP = envbool("MOTCUA_LOCAL_IDP", DEBUG)
OAUTH2_PROVIDER_APPLICATION_MODEL = "idp.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "idp.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "idp.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "idp.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "idp.Grant"
OAUTH2_PROVIDER_DEVICE_GRANT_MODEL = "idp.DeviceGrant"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": "",  # set by motcua.idp.keys when the demo provider is on
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Họ tên, ngày sinh, số định danh",
        "email": "Thư điện tử",
        "phone": "Số điện thoại",
    },
    "OAUTH2_VALIDATOR_CLASS": "motcua.idp.validators.IdentityValidator",
    # OAuth 2.0 Security BCP (RFC 9700): the compliant behaviour now (django-oauth-toolkit's 4.0 default).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # The demo provider runs on plain http on the loopback; a real deployment has no provider here.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"] if MOTCUA_LOCAL_IDP else ["https"],
}
if MOTCUA_LOCAL_IDP:
    from motcua.idp.keys import signing_key

    OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = signing_key(VAR_DIR / "vneid-demo-signing-key.pem")

# Officials' second factor (TOTP, django-otp): the roles that must enter it before approving, signing,
# returning a result, publishing or changing master data, and before the admin. Comma-separated role codes.
MOTCUA_SECOND_FACTOR_ROLES = [
    role.strip()
    for role in (
        env("MOTCUA_SECOND_FACTOR_ROLES", "leader,chairman,administrator,office_reviewer") or ""
    ).split(",")
    if role.strip()
]
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "motcua")
