"""Certificates' verification codes, made to be typed from paper.

A code is 28 symbols of Crockford's base32 (digits and capital letters without I, L, O and U),
140 bits from `secrets`, stored as such and printed in groups of four:
`7K3M-Q9XD-...`. What a person types is read case-insensitively, with or without the hyphens
or spaces, and with the letters that look like digits read as those digits (O as 0; I and L as
1), as Crockford's decoding does. Certificates issued before (32 characters of
`secrets.token_urlsafe`, case-sensitive, `-` and `_` among them) keep their codes: those are
looked up exactly as printed, spaces aside.

Every reading of what was typed is one exact value looked up in the unique index of
`Certificate.verification_code`; nothing is compared in Python."""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 28
BITS = LENGTH * 5  # 140: never below 128
GROUP = 4

CURRENT = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")
# What secrets.token_urlsafe() made before; anything else is looked up nowhere.
LEGACY = re.compile(r"[A-Za-z0-9_-]{16,64}")

# Hyphens and dashes of every kind (a PDF viewer may copy one for another), dots and spaces.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.]+")
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def grouped(code: str) -> str:
    """The code as printed and shown: a current code in groups of four joined by hyphens; an
    older code as it is (its hyphens belong to it)."""
    if not CURRENT.fullmatch(code):
        return code
    return "-".join(code[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def readings(typed: str) -> list[str]:
    """The stored codes that `typed` may stand for: at most two exact values, an older code
    exactly as typed and a current code read the tolerant way. (The form leaves out the spaces
    and line breaks that copying from a PDF puts into an older code.)"""
    found = []
    if LEGACY.fullmatch(typed):
        found.append(typed)
    canonical = _SEPARATORS.sub("", typed).upper().translate(_LOOK_ALIKES)
    if CURRENT.fullmatch(canonical) and canonical not in found:
        found.append(canonical)
    return found
