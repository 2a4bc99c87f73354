"""The endpoints' signing secrets, stored encrypted (Fernet: AES-128-CBC with HMAC-SHA256)
with a key derived from WEBHOOK_SECRET_KEY (SECRET_KEY unless set). The portal must read the
secret back to sign each delivery, so it cannot keep only a hash as it does for passwords; a
copy of the database alone does not give the secrets away."""

import base64
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SECRET_PREFIX = "whsec_"


def _fernet() -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"eepa-webhooks", info=b"endpoint-secret"
    ).derive(settings.WEBHOOK_SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    """256 random bits, with a prefix that says what it is (secret scanners know the shape)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


class SecretUnreadable(Exception):
    """The stored secret was encrypted under another WEBHOOK_SECRET_KEY."""


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable from error
