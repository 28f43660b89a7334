"""Decrypt every page of an SQLCipher 4 file, free pages included (tests only).

`sqlcipher_export` copies rows, not pages: it cannot show what a deleted row left
behind in a freed page or in free space on a page. This reads the file as it is on
disk and decrypts each page with SQLCipher 4's defaults (PBKDF2-HMAC-SHA512, 256,000
iterations, 4096-byte pages, AES-256-CBC, a reserve of a 16-byte IV and a 64-byte
HMAC per page), so a test can search the plaintext of every page, in use or not.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
SALT = 16
IV = 16
HMAC = 64
RESERVE = IV + HMAC
KDF_ITER = 256_000


def derive_key(passphrase: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITER, dklen=32)


def decrypt_pages(path: Path, passphrase: str, *, salt: bytes | None = None) -> bytes:
    """The plaintext of every page of `path`, concatenated (page 1 without its salt).

    A -wal file has no salt of its own: pass the database's salt; its frames (a 24-byte
    frame header before each page, after a 32-byte file header) are decrypted likewise.
    """
    data = path.read_bytes()
    if not data:
        return b""
    wal = salt is not None
    salt = salt if salt is not None else data[:SALT]
    key = derive_key(passphrase, salt)
    out = bytearray()
    if wal:
        pages = [
            data[32 + i * (24 + PAGE) + 24 : 32 + (i + 1) * (24 + PAGE)]
            for i in range((len(data) - 32) // (24 + PAGE))
        ]
    else:
        pages = [data[i : i + PAGE] for i in range(0, len(data) - PAGE + 1, PAGE)]
    for number, page in enumerate(pages, start=1):
        start = SALT if number == 1 and not wal else 0
        iv = page[PAGE - RESERVE : PAGE - RESERVE + IV]
        body = page[start : PAGE - RESERVE]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        out += decryptor.update(body) + decryptor.finalize()
    return bytes(out)


def salt_of(path: Path) -> bytes:
    return path.read_bytes()[:SALT]
