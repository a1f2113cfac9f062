from __future__ import annotations

import os
import posixpath
import string

import pytest
from werkzeug import security as wz_security

from erlen import security
from erlen.security import DEFAULT_PBKDF2_ITERATIONS
from erlen.security import check_password_hash
from erlen.security import gen_salt
from erlen.security import generate_password_hash
from erlen.security import safe_join

# Cheap parameters keep the suite fast; the defaults get one test each.
CHEAP_METHODS = ["scrypt:1024:8:1", "pbkdf2:sha256:1000", "pbkdf2:sha512:10"]


def test_default_iterations_match_werkzeug() -> None:
    assert DEFAULT_PBKDF2_ITERATIONS == wz_security.DEFAULT_PBKDF2_ITERATIONS
    assert security.SALT_CHARS == wz_security.SALT_CHARS


@pytest.mark.parametrize("length", [1, 8, 16, 100])
def test_gen_salt_length_and_alphabet(length: int) -> None:
    salt = gen_salt(length)
    assert len(salt) == length
    assert set(salt) <= set(string.ascii_letters + string.digits)


@pytest.mark.parametrize("length", [0, -1])
def test_gen_salt_refuses_non_positive_length(length: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        gen_salt(length)


def test_gen_salt_is_random() -> None:
    assert len({gen_salt(16) for _ in range(20)}) == 20


def test_default_method_is_scrypt_with_werkzeug_parameters() -> None:
    pwhash = generate_password_hash("secret")
    method, salt, digest = pwhash.split("$")
    assert method == "scrypt:32768:8:1"
    assert len(salt) == 16
    assert len(digest) == 128
    assert check_password_hash(pwhash, "secret")
    assert not check_password_hash(pwhash, "Secret")


def test_plain_pbkdf2_uses_sha256_and_default_iterations() -> None:
    pwhash = generate_password_hash("secret", "pbkdf2", salt_length=4)
    assert pwhash.startswith(f"pbkdf2:sha256:{DEFAULT_PBKDF2_ITERATIONS}$")
    assert check_password_hash(pwhash, "secret")


def test_pbkdf2_with_hash_name_only() -> None:
    # COMPAT: one argument is the hash name; iterations keep the default.
    method = _hash_method(
        generate_password_hash("x", "pbkdf2:sha1", salt_length=2), "x"
    )
    assert method == f"pbkdf2:sha1:{DEFAULT_PBKDF2_ITERATIONS}"


def _hash_method(pwhash: str, password: str) -> str:
    assert check_password_hash(pwhash, password)
    return pwhash.split("$")[0]


@pytest.mark.parametrize("method", CHEAP_METHODS)
@pytest.mark.parametrize("password", ["", "secret", "pässwörd ☃", "a$b$c", "x" * 1000])
def test_erlen_hash_verifies_with_werkzeug(method: str, password: str) -> None:
    pwhash = generate_password_hash(password, method, salt_length=8)
    assert pwhash.split("$")[0] == method
    assert wz_security.check_password_hash(pwhash, password)
    assert not wz_security.check_password_hash(pwhash, password + "!")


@pytest.mark.parametrize("method", CHEAP_METHODS)
@pytest.mark.parametrize("password", ["", "secret", "pässwörd ☃", "a$b$c"])
def test_werkzeug_hash_verifies_with_erlen(method: str, password: str) -> None:
    pwhash = wz_security.generate_password_hash(password, method, salt_length=8)
    assert check_password_hash(pwhash, password)
    assert not check_password_hash(pwhash, password + "!")


def test_werkzeug_default_scrypt_hash_verifies_with_erlen() -> None:
    pwhash = wz_security.generate_password_hash("secret")
    assert check_password_hash(pwhash, "secret")


def test_same_salt_gives_werkzeug_digest() -> None:
    for method in CHEAP_METHODS:
        ours = security._hash_internal(method, "saltsalt", "pw")
        theirs = wz_security._hash_internal(method, "saltsalt", "pw")
        assert ours == theirs


@pytest.mark.parametrize(
    "pwhash", ["", "nodollar", "one$dollar", "$", "scrypt:1024:8:1$salt"]
)
def test_malformed_hash_string_is_false(pwhash: str) -> None:
    assert check_password_hash(pwhash, "x") is False


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ("md5", "Invalid hash method 'md5'."),
        ("bogus:1:2", "Invalid hash method 'bogus'."),
        ("scrypt:1:2", "'scrypt' takes 3 arguments."),
        ("scrypt:1:2:3:4", "'scrypt' takes 3 arguments."),
        ("pbkdf2:a:1:2", "'pbkdf2' takes 2 arguments."),
        ("pbkdf2:sha256:many", "invalid literal"),
        ("scrypt:a:b:c", "invalid literal"),
    ],
)
def test_bad_method_raises_value_error(method: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("$", r"\$")):
        generate_password_hash("x", method)
    with pytest.raises(ValueError, match=message):
        check_password_hash(f"{method}$salt$00", "x")


def test_empty_method_in_hash_raises() -> None:
    with pytest.raises(ValueError, match="Invalid hash method ''"):
        check_password_hash("$$", "x")


def test_digest_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return a == b

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    pwhash = generate_password_hash("pw", "pbkdf2:sha256:1", salt_length=4)
    assert check_password_hash(pwhash, "pw")
    assert calls == [(pwhash.split("$")[2], pwhash.split("$")[2])]


# --- safe_join ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("directory", "parts", "expected"),
    [
        ("/base", ("a",), "/base/a"),
        ("/base", ("a", "b", "c.txt"), "/base/a/b/c.txt"),
        ("/base", ("a/b",), "/base/a/b"),
        ("/base", ("a//b",), "/base/a/b"),
        ("/base", ("a/./b/",), "/base/a/b"),
        ("/base", ("a/../b",), "/base/b"),
        ("/base", ("a/..",), "/base/."),
        ("/base", (".",), "/base/."),
        ("/base", ("",), "/base"),
        ("/base", ("", "a", ""), "/base/a"),
        ("/base/", ("",), "/base/"),
        ("/base", (), "/base"),
        ("", ("x",), "./x"),
        ("/base", ("...",), "/base/..."),
        ("/base", ("....//x",), "/base/..../x"),
        ("/base", ("..foo",), "/base/..foo"),
        ("/base", ("foo..",), "/base/foo.."),
        # Encoded forms are plain names: the filesystem never decodes them.
        ("/base", ("%2e%2e/x",), "/base/%2e%2e/x"),
        ("/base", ("%2e%2e%2fx",), "/base/%2e%2e%2fx"),
        ("/base", ("%5c..",), "/base/%5c.."),
        ("/base", ("..%00",), "/base/..%00"),
        ("/base", ("CON",), "/base/CON" if os.name != "nt" else None),
        ("/base", ("ü/ñ",), "/base/ü/ñ"),
    ],
)
def test_safe_join_accepts(
    directory: str, parts: tuple[str, ...], expected: str | None
) -> None:
    assert safe_join(directory, *parts) == expected


HOSTILE_PARTS = [
    "..",
    "../",
    "../x",
    "../../etc/passwd",
    "a/../..",
    "a/../../x",
    "./../x",
    "a/b/../../../x",
    "/abs",
    "//double",
    "/",
    "..\\x",
    "a\\b",
    "\\\\server\\share",
    "a\x00b",
    "\x00",
    "x.txt\x00.png",
    "C:foo",
    "c:\\windows",
    "C:",
    "z:/x",
]


@pytest.mark.parametrize("part", HOSTILE_PARTS)
def test_safe_join_refuses_hostile_part(part: str) -> None:
    assert safe_join("/base", part) is None
    assert safe_join("/base", "ok", part) is None
    assert safe_join("/base", part, "ok") is None


@pytest.mark.parametrize("part", HOSTILE_PARTS)
def test_werkzeug_refusals_are_kept(part: str) -> None:
    # Every part Werkzeug refuses, erlen refuses; erlen refuses more
    # (backslashes, NUL, drive letters) on every platform.
    if wz_security.safe_join("/base", part) is None:
        assert safe_join("/base", part) is None


def test_safe_join_matches_werkzeug_on_benign_parts() -> None:
    for part in ["a", "a/b", "a/../b", ".", "", "...", "x y", "%2e%2e", "a//b/"]:
        assert safe_join("/base", part) == wz_security.safe_join("/base", part)


def test_safe_join_results_stay_inside_directory() -> None:
    for part in ["a/b/../c", "./x", "x/./y/..", "..a", "a.."]:
        joined = safe_join("/base", part)
        assert joined is not None
        assert posixpath.normpath(joined).startswith("/base")


def test_safe_join_pathological_input_finishes() -> None:
    long_ok = "a/" * 500_000 + "b"
    joined = safe_join("/base", long_ok)
    assert joined is not None
    assert joined.endswith("/b")
    assert safe_join("/base", "a/" * 500_000 + "../" * 500_001) is None
    assert safe_join("/base", "x" * 3_000_000 + "\\") is None
    assert safe_join("/base", *(["a"] * 10_000)) == "/base" + "/a" * 10_000
