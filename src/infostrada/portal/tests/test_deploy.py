import os
import secrets
import subprocess
import sys


def _check(tmp_path, **env):
    return subprocess.run(
        [sys.executable, "-m", "infostrada.cli", "check", "--deploy", "--fail-level=WARNING"],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_ALLOW")},
            "INFOSTRADA_DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _check(
        tmp_path,
        INFOSTRADA_PUBLIC_URL="https://e-uslugi.example.pl",
        INFOSTRADA_SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_plain_http_outside_localhost_is_flagged(tmp_path):
    result = _check(
        tmp_path,
        INFOSTRADA_PUBLIC_URL="http://e-uslugi.example.pl",
        INFOSTRADA_SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stdout + result.stderr


def test_bad_configuration_values_are_refused(tmp_path):
    result = _check(tmp_path, INFOSTRADA_DEBUG="perhaps")
    assert result.returncode != 0 and "INFOSTRADA_DEBUG must be a boolean" in result.stderr
