"""Superset settings for the PMO serving snapshot, loaded through ``SUPERSET_CONFIG_PATH``.

Everything Superset writes (its SQLite metadata database, the generated secret key and admin
password) lives in one git-ignored home folder: ``PMO_BI_HOME``, by default ``.home`` beside
this file. Nothing secret is committed: the secret key comes from ``SUPERSET_SECRET_KEY`` or
is generated once per home.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

HOME_ENV = "PMO_BI_HOME"
SECRET_KEY_ENV = "SUPERSET_SECRET_KEY"
BI_HOME = Path(os.environ.get(HOME_ENV) or Path(__file__).resolve().parent / ".home")


def home_secret(name: str) -> str:
    """A random value stored once in the home folder, readable by its owner only."""
    path = BI_HOME / name
    if not path.exists():
        BI_HOME.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(42))
    return path.read_text().strip()


SECRET_KEY = os.environ.get(SECRET_KEY_ENV) or home_secret("secret_key")
SQLALCHEMY_DATABASE_URI = f"sqlite:///{BI_HOME / 'superset.db'}"
# Chart data is read fresh from the snapshot on every query: a publish shows up at once.
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
