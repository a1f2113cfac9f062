"""Signed-cookie encoding in itsdangerous's ``URLSafeTimedSerializer`` format.

Used by :class:`~erlen.sessions.SecureCookieSessionInterface` for its default
settings (HMAC key derivation). The output is byte for byte what itsdangerous
produces, so cookies are interchangeable with Flask's; the difference is that
the signing keys are derived once per secret key instead of on every call.

The format: ``payload "." timestamp "." signature``, each part URL-safe base64
without padding. ``payload`` is the serialised data, zlib-compressed and
prefixed with ``"."`` when that makes it shorter; ``timestamp`` is the
big-endian signing time in seconds; ``signature`` is the HMAC of everything
before it, keyed with ``HMAC(secret_key, salt)``.
"""

from __future__ import annotations

import binascii
import collections.abc as cabc
import hmac
import time
import typing as t
import zlib

from itsdangerous import BadData
from itsdangerous import BadPayload
from itsdangerous import BadSignature
from itsdangerous import BadTimeSignature
from itsdangerous import SignatureExpired

# PERF: base64's urlsafe_* helpers are three Python calls each; the same
# result is one binascii call and one translate.
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")

# A zlib stream of two or more bytes is at least 10 bytes long: a 2-byte
# header, a deflate block holding a literal and one more symbol (26 bits or
# more) and a 4-byte checksum. A payload of at most this many bytes therefore
# never compresses to the "len(payload) - 1" bytes the format asks for.
_NEVER_COMPRESSES = 11


def _b64encode(data: bytes) -> bytes:
    return binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE).rstrip(b"=")


def _b64decode(data: bytes) -> bytes:
    # COMPAT: as base64.urlsafe_b64decode: characters outside the alphabet are
    # skipped, "+" and "/" are accepted too.
    try:
        return binascii.a2b_base64(
            data.translate(_FROM_URLSAFE) + b"=" * (-len(data) % 4)
        )
    except ValueError as exc:
        raise BadData("Invalid base64-encoded data") from exc


def _to_bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


class CookieSigner:
    """Sign and verify cookie values as itsdangerous does, with cached keys.

    :param secret_keys: the keys, oldest first; the last one signs, all verify.
    :param salt: mixed into the derived keys.
    :param serializer: has ``dumps(obj) -> str`` and ``loads(str) -> obj``.
    :param digest_method: the hash constructor, ``hashlib.sha1`` by default.
    """

    def __init__(
        self,
        secret_keys: cabc.Sequence[str | bytes],
        salt: str | bytes,
        serializer: t.Any,
        digest_method: t.Any,
    ) -> None:
        salt_bytes = _to_bytes(salt)
        # PERF: itsdangerous derives these on every sign and unsign.
        self._keys = [
            hmac.new(_to_bytes(key), salt_bytes, digest_method).digest()
            for key in secret_keys
        ]
        self._serializer = serializer
        self._digest = digest_method

    def dumps(self, obj: t.Any) -> str:
        """Serialise, sign and timestamp ``obj``."""
        payload = _to_bytes(self._serializer.dumps(obj))
        body = None
        # PERF: zlib.compress sets up (and frees) a few hundred KB of state;
        # skipped where its output could not be used.
        if len(payload) > _NEVER_COMPRESSES:
            compressed = zlib.compress(payload)
            if len(compressed) < len(payload) - 1:
                body = b"." + _b64encode(compressed)
        if body is None:
            body = _b64encode(payload)
        stamp = int(time.time())
        value = (
            body
            + b"."
            + _b64encode(stamp.to_bytes((stamp.bit_length() + 7) // 8, "big"))
        )
        # PERF: the one-shot hmac.digest builds no HMAC object.
        signature = _b64encode(hmac.digest(self._keys[-1], value, self._digest))
        return (value + b"." + signature).decode("ascii")

    def loads(self, signed: str | bytes, max_age: int) -> t.Any:
        """Verify ``signed`` and return the object it holds.

        :raises BadData: (an itsdangerous error) the value is malformed, was
            signed with another key, is older than ``max_age`` seconds or
            dated in the future, or its payload does not decode.
        """
        data = _to_bytes(signed)
        value, sep, signature = data.rpartition(b".")
        if not sep:
            raise BadSignature("No '.' found in value")
        expected = _b64decode(signature)
        digest = self._digest
        # SECURITY: constant-time comparison against every accepted key.
        for key in self._keys:
            if hmac.compare_digest(hmac.digest(key, value, digest), expected):
                break
        else:
            raise BadSignature("Signature does not match")
        body, sep, stamp_text = value.rpartition(b".")
        if not sep:
            raise BadTimeSignature("timestamp missing")
        stamp = int.from_bytes(_b64decode(stamp_text), "big")
        age = int(time.time()) - stamp
        if age > max_age:
            raise SignatureExpired(f"Signature age {age} > {max_age} seconds")
        if age < 0:
            raise SignatureExpired(f"Signature age {age} < 0 seconds")
        try:
            if body.startswith(b"."):
                payload = zlib.decompress(_b64decode(body[1:]))
            else:
                payload = _b64decode(body)
            return self._serializer.loads(payload.decode())
        except Exception as exc:  # boundary: any decoding failure is bad data
            raise BadPayload(f"Could not load the payload: {exc}") from exc
