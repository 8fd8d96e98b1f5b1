"""SHA-256 without ``hashlib`` (and so without loading OpenSSL on a cold start).

``import hashlib`` loads OpenSSL's ``_hashlib`` (4-14 ms of CPU on every start), and a check
of one file needs SHA-256 only for a few short keys. CPython's own SHA-256 module (``_sha256``,
``_sha2`` from 3.12) gives the same digests with no OpenSSL, at ~11 ms a MB against ~1: fine
for short texts. Large data that must be hashed (a data file not seen before: see
``commlint.matching.regex_cache.file_digest``) goes through ``hashlib``, imported there.
"""

from __future__ import annotations

from typing import Any

try:  # Python 3.12+
    from _sha2 import sha256 as _sha256  # type: ignore[import-not-found, unused-ignore]
except ImportError:
    try:
        from _sha256 import sha256 as _sha256  # type: ignore[import-not-found, no-redef, unused-ignore]
    except ImportError:  # pragma: no cover - a Python built without its own SHA-256
        from hashlib import sha256 as _sha256  # type: ignore[assignment, unused-ignore]


def sha256(data: bytes = b"") -> Any:
    """A SHA-256 object (``update``, ``digest``, ``hexdigest``), as ``hashlib.sha256(data)``."""
    return _sha256(data)


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data``, in hex (``hashlib.sha256(data).hexdigest()``)."""
    return str(_sha256(data).hexdigest())
