"""Keyed pseudonyms for respondents: stable per person across loads, useless without the key."""

from __future__ import annotations

import hmac
import re

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
EMAIL_MASK = "[email]"


def respondent_token(key: str, email: str | None, name: str | None) -> str | None:
    """HMAC-SHA256 of the normalised email (else name); None when both are blank.

    Email wins because names collide and change spelling; the prefix keeps an email and a
    name that happen to be the same text from sharing a token.
    """
    if not key:
        raise ValueError("a pseudonymisation key is required")
    email = (email or "").strip().lower()
    name = " ".join((name or "").split()).casefold()
    identity = f"email:{email}" if email else f"name:{name}" if name else None
    if identity is None:
        return None
    return _digest(key, identity)


def response_pseudonym(key: str, wave: str, response_id: str) -> str:
    """``<wave>-<16 hex>``: a keyed pseudonym of a survey's own response id.

    Exports and PMOs use e-mails, names or staff numbers as response ids, so the id is treated
    as identifying the respondent. ``0001`` and ``2026-Q1-0001`` in wave 2026-Q1 are one id.
    """
    if not key:
        raise ValueError("a pseudonymisation key is required")
    given = response_id if response_id.startswith(wave) else f"{wave}-{response_id}"
    return f"{wave}-{_digest(key, f'response:{given}')[:16]}"


def _digest(key: str, identity: str) -> str:
    return hmac.digest(key.encode(), identity.encode(), "sha256").hex()


def mask_emails(text: str | None) -> str | None:
    """``text`` with every e-mail address replaced by ``[email]``: respondents type their own
    or a colleague's address into comments, and a bad cell's value lands in quarantine."""
    return EMAIL.sub(EMAIL_MASK, text) if text and "@" in text else text
