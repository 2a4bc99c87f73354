"""The key as a machine holds it: eepa_<prefix>_<secret>. The prefix finds the row, the secret
(256 random bits) is compared by its SHA-256 in constant time."""

import hashlib
import hmac
import re
import secrets

KEY_PATTERN = re.compile(r"eepa_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")


def new_key() -> tuple[str, str, str]:
    """(prefix, secret, the key as given to the machine)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return prefix, secret, f"eepa_{prefix}_{secret}"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_key(text: str) -> tuple[str, str] | None:
    """(prefix, secret), or None when `text` is not shaped like a key."""
    match = KEY_PATTERN.fullmatch(text)
    return (match[1], match[2]) if match else None


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret), stored_hash)
