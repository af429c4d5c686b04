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
    return hmac.digest(key.encode(), identity.encode(), "sha256").hex()


def mask_emails(text: str | None) -> str | None:
    """``text`` with every e-mail address replaced by ``[email]``: respondents type their own
    or a colleague's address into comments, and a bad cell's value lands in quarantine."""
    return EMAIL.sub(EMAIL_MASK, text) if text and "@" in text else text
