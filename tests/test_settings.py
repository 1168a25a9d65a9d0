import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7!k2$e9-production-like-secret-of-sufficient-length-and-variety-3q",
    "ALLOWED_HOSTS": "crux.example.org",
    "DATABASE_URL": "sqlite:////tmp/crux-deploy-check.sqlite3",
    "EMAIL_URL": "smtp+tls://crux:secret@mail.example.org:587",
}


def manage(*args, env):
    inherited = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = PRODUCTION | {"SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_redis_cache_url_gives_djangos_redis_cache():
    env = PRODUCTION | {"CACHE_URL": "redis://127.0.0.1:6379/9"}
    script = "from django.core.cache import cache; print(type(cache._cache).__name__)"
    result = manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "RedisCacheClient"
