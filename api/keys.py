"""API keys as text: made of a public prefix and a random secret; only the secret's SHA-256 is stored."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

KEY_START = "cpbr"
_KEY = re.compile(rf"^{KEY_START}_([0-9a-f]{{12}})_([A-Za-z0-9_-]{{43}})$")


@dataclass(frozen=True)
class NewKey:
    prefix: str
    digest: str
    text: str  # shown once, at creation, and never stored


def new_key() -> NewKey:
    """A key of a random 32-byte secret: `cpbr_<prefix>_<secret>`."""
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    return NewKey(prefix=prefix, digest=digest_of(secret), text=f"{KEY_START}_{prefix}_{secret}")


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse(text: str) -> tuple[str, str] | None:
    """(prefix, secret) of a key's text, or None for anything that is not a key."""
    match = _KEY.match(text.strip())
    return (match.group(1), match.group(2)) if match else None


def secret_matches(secret: str, digest: str) -> bool:
    return hmac.compare_digest(digest_of(secret), digest)
