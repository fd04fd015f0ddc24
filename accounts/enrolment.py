"""One-time enrolment codes for an administrator's first authenticator app: made, hashed and checked here."""

import hashlib
import secrets
from datetime import timedelta

# Letters and digits that cannot be mistaken for one another when read aloud or copied by hand.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LENGTH = 4, 4  # 16 characters of 32: 80 bits
VALID_FOR = timedelta(hours=24)
REFUSED = (
    "That enrolment code is not valid: it is mistyped, already used, expired or not yours. "
    "Ask another administrator for a new one."
)


def new_code() -> str:
    """A random code such as `ABCD-EFGH-JKLM-NPQR`."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(chars[n : n + GROUP_LENGTH] for n in range(0, len(chars), GROUP_LENGTH))


def code_hash(code: str) -> str:
    """The stored form of a code, whatever its case, spaces or dashes as typed (80 random bits need no
    slow hash: there is nothing to guess from)."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()
