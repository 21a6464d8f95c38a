import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings


def _production_env(tmp_path: Path, **overrides) -> dict:
    keys = tmp_path / "audit.keys"
    keys.write_text(f"k1 {secrets.token_urlsafe(48)}\n")
    env = {
        # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_ROOT")},
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "dichvucong.example.gov.vn",
        "SITE_ROOT": "https://dichvucong.example.gov.vn",
        "AUDIT_KEY_FILE": str(keys),
        "REDIS_URL": "redis://127.0.0.1:6379/4",
        "VAR_DIR": str(tmp_path),
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _check_deploy(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"SITE_ROOT": None}, "motcua.E001"),  # the QR codes would point to 127.0.0.1
        ({"SITE_ROOT": "http://dichvucong.example.gov.vn"}, "motcua.E002"),
        ({"SITE_ROOT": "https://other.example.gov.vn"}, "motcua.E003"),
        ({"AUDIT_KEY_FILE": None}, "motcua.E004"),
        ({"AUDIT_KEY_FILE": "/nonexistent/audit.keys"}, "motcua.E005"),
        ({"REDIS_URL": None}, "motcua.W001"),
    ],
)
def test_check_deploy_names_each_missing_production_setting(tmp_path: Path, override, expected):
    result = _check_deploy(_production_env(tmp_path, **override))
    assert result.returncode != 0 and expected in result.stdout + result.stderr


def test_production_settings_pass_check_deploy(tmp_path: Path):
    env = _production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
