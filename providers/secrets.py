"""Encryption of provider secrets at rest (MultiFernet over HUB_ENCRYPTION_KEYS).

The first key encrypts; every key decrypts, so keys can be rotated by putting a new
one first and running ``manage.py rotate_encryption_keys``.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """The stored secret was encrypted under a key that is no longer configured."""


@cache
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.HUB_ENCRYPTION_KEYS))


def encrypt_secret(plaintext: str) -> str:
    return cipher().encrypt(plaintext.encode()).decode()


def decrypt_secret(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "stored secret cannot be decrypted with HUB_ENCRYPTION_KEYS"
        ) from None


def reencrypt_secret(token: str) -> str:
    """The same secret, encrypted under the first (newest) key."""
    try:
        return cipher().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "stored secret cannot be decrypted with HUB_ENCRYPTION_KEYS"
        ) from None


def mask_secret(plaintext: str) -> str:
    """A hint safe to show: the secret's kind prefix and last four characters (``sk-…abcd``)."""
    if len(plaintext) < 12:
        return "…" + "•" * 4
    head = plaintext.split("-", 1)[0] + "-" if "-" in plaintext[:8] else ""
    return f"{head}…{plaintext[-4:]}"
