"""erlen._cookie_signer against itsdangerous, the format it reproduces."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import typing as t

import pytest
from itsdangerous import BadData
from itsdangerous import URLSafeTimedSerializer

from erlen._cookie_signer import CookieSigner
from erlen.sessions import session_json_serializer

NOW = 1_800_000_000


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.time", lambda: float(NOW))


def reference(keys: list[str]) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        keys,
        salt="cookie-session",
        serializer=session_json_serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )


def ours(keys: list[str]) -> CookieSigner:
    return CookieSigner(keys, "cookie-session", session_json_serializer, hashlib.sha1)


PAYLOADS: list[t.Any] = [
    {},
    {"count": 1},
    {"user": "ad\u00e9", "items": [1, 2, 3], "t": (1, 2), "b": b"\x00\xff"},
    {"big": "x" * 2000},  # compressible: takes the zlib branch
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_output_is_byte_identical_to_itsdangerous(payload: t.Any) -> None:
    assert ours(["k"]).dumps(payload) == reference(["k"]).dumps(payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_reads_the_other(payload: t.Any) -> None:
    assert ours(["k"]).loads(reference(["k"]).dumps(payload), max_age=60) == payload
    assert reference(["k"]).loads(ours(["k"]).dumps(payload), max_age=60) == payload


def test_fallback_keys_verify_and_the_last_key_signs() -> None:
    old = reference(["old"]).dumps({"a": 1})
    signer = ours(["old", "new"])
    assert signer.loads(old, max_age=60) == {"a": 1}
    assert signer.dumps({"a": 1}) == reference(["new"]).dumps({"a": 1})


def test_bytes_keys_and_salt_are_accepted() -> None:
    signer = CookieSigner(
        [b"k"], b"cookie-session", session_json_serializer, hashlib.sha1
    )
    assert signer.dumps({"a": 1}) == reference(["k"]).dumps({"a": 1})


def valid() -> str:
    return reference(["k"]).dumps({"a": 1})


def tampered() -> str:
    # change the first signature character: every bit of it is significant
    value, _, signature = valid().rpartition(".")
    first = "B" if signature[0] == "A" else "A"
    return f"{value}.{first}{signature[1:]}"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: "nodots", "No '.'"),
        (tampered, "does not match"),
        (lambda: valid() + "!", "base64"),
        (lambda: reference(["other"]).dumps({"a": 1}), "does not match"),
    ],
)
def test_hostile_values_raise_bad_data(make: t.Callable[[], str], message: str) -> None:
    with pytest.raises(BadData, match=message):
        ours(["k"]).loads(make(), max_age=60)


def sign_raw(value: bytes) -> str:
    """Sign arbitrary bytes the way the signer does, to reach inner checks."""
    signer = ours(["k"])
    signature = hmac.digest(signer._keys[-1], value, hashlib.sha1)
    return (value + b"." + base64.urlsafe_b64encode(signature).rstrip(b"=")).decode()


def test_missing_timestamp_is_bad_data() -> None:
    with pytest.raises(BadData, match="timestamp missing"):
        ours(["k"]).loads(sign_raw(b"eyJhIjoxfQ"), max_age=60)


def test_expired_and_future_values_are_rejected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    value = valid()
    monkeypatch.setattr("time.time", lambda: float(NOW + 61))
    with pytest.raises(BadData, match="> 60"):
        ours(["k"]).loads(value, max_age=60)
    monkeypatch.setattr("time.time", lambda: float(NOW - 5))
    with pytest.raises(BadData, match="< 0"):
        ours(["k"]).loads(value, max_age=60)


@pytest.mark.parametrize("body", [b".bm90emxpYg", b"bm90anNvbg", b"._w"])
def test_undecodable_payloads_are_bad_data(body: bytes) -> None:
    stamp = base64.urlsafe_b64encode(NOW.to_bytes(4, "big")).rstrip(b"=")
    with pytest.raises(BadData, match="payload"):
        ours(["k"]).loads(sign_raw(body + b"." + stamp), max_age=60)


def test_megabytes_of_garbage_fail_fast() -> None:
    with pytest.raises(BadData):
        ours(["k"]).loads("." * 3_000_000, max_age=60)


@pytest.mark.parametrize("length", range(1, 41))
def test_payloads_around_the_no_compression_bound_match_itsdangerous(
    length: int,
) -> None:
    # The serializer's JSON for {"": text} is len(text) + 7 bytes; the signer
    # skips zlib for payloads of up to 11 bytes, so lengths 1..40 cover both
    # sides of the bound, with repetitive (compressible) and random text.
    rng = random.Random(length)
    for text in (
        "a" * length,
        "ab" * (length // 2),
        "".join(rng.choice("abc{}:,") for _ in range(length)),
        "".join(chr(rng.randrange(32, 0x2FF)) for _ in range(length)),
    ):
        payload = {"": text}
        assert ours(["k"]).dumps(payload) == reference(["k"]).dumps(payload)
        assert ours(["k"]).loads(reference(["k"]).dumps(payload), 60) == payload


class _RawSerializer:
    """Passes bytes of any length through, to reach every payload size."""

    def dumps(self, obj: t.Any) -> str:
        return str(obj)

    def loads(self, value: str) -> str:
        return value


@pytest.mark.parametrize("length", range(0, 30))
def test_raw_payloads_of_every_small_length_match_itsdangerous(length: int) -> None:
    reference_signer = URLSafeTimedSerializer(
        "k",
        salt="cookie-session",
        serializer=_RawSerializer(),
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    signer = CookieSigner(["k"], "cookie-session", _RawSerializer(), hashlib.sha1)
    for text in ("z" * length, "xy" * (length // 2) + "x" * (length % 2)):
        assert signer.dumps(text) == reference_signer.dumps(text)
        assert signer.loads(signer.dumps(text), 60) == text


@pytest.mark.parametrize(
    "encoded",
    [
        *(b"", b"YQ", b"YWI", b"YWJj", b"-_-_", b"+/+/", b"!", b"Y!!Q"),
        *(b"Y Q", b"Y\nQ", b"Y\xffQ", b"YQ=", b"Y=Q", b"YQ==YQ"),
    ],
)
def test_base64_decoding_matches_urlsafe_b64decode(encoded: bytes) -> None:
    from erlen._cookie_signer import _b64decode

    padded = encoded + b"=" * (-len(encoded) % 4)
    try:
        expected: bytes | None = base64.urlsafe_b64decode(padded)
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(BadData, match="base64"):
            _b64decode(encoded)
    else:
        assert _b64decode(encoded) == expected


@pytest.mark.parametrize("encoded", [b"Y", b"YWJjZ", b"Y Q", b"\xff\xffY"])
def test_impossible_base64_lengths_are_bad_data(encoded: bytes) -> None:
    from erlen._cookie_signer import _b64decode

    with pytest.raises(BadData, match="base64"):
        _b64decode(encoded)
