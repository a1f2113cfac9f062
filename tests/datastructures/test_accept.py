"""Tests for erlen.datastructures.accept, with differential checks vs Werkzeug."""

from __future__ import annotations

import itertools

import pytest

from erlen.datastructures import Accept
from erlen.datastructures import CharsetAccept
from erlen.datastructures import LanguageAccept
from erlen.datastructures import MIMEAccept


def test_accept_basics() -> None:
    accept = Accept([("a", 0.5), ("*", 1), ("b", 1), ("c", 0.5)])
    assert list(accept) == [("b", 1), ("a", 0.5), ("c", 0.5), ("*", 1)]
    assert accept.provided
    assert accept["b"] == 1
    assert accept["zz"] == 1  # the wildcard
    assert accept.quality("A") == 0.5
    assert accept[0] == ("b", 1)
    assert accept[1:2] == [("a", 0.5)]
    assert "anything" in accept
    assert 3 not in accept
    assert list(accept.values()) == ["b", "a", "c", "*"]
    assert accept.best == "b"
    assert accept.to_header() == "b,a;q=0.5,c;q=0.5,*"
    assert str(accept) == accept.to_header()
    assert repr(accept) == "Accept([('b', 1), ('a', 0.5), ('c', 0.5), ('*', 1)])"
    assert accept.index("a") == 1
    assert accept.index(("c", 0.5)) == 2
    assert accept.find("c") == 2
    assert Accept([("a", 1)]).find("b") == -1
    with pytest.raises(ValueError):
        Accept([("a", 1)]).index("b")


def test_accept_missing_header_and_copy() -> None:
    missing = Accept(None)
    assert not missing.provided
    assert list(missing) == []
    assert missing.best is None
    assert missing.best_match(["a"]) is None
    assert missing.best_match(["a"], default="x") == "x"
    assert Accept().provided
    copied = Accept(missing)
    assert not copied.provided
    assert Accept(Accept([("a", 1)])).provided


def test_accept_is_immutable_and_hashable() -> None:
    accept = Accept([("a", 1)])
    with pytest.raises(TypeError, match="immutable"):
        accept.append(("b", 1))
    with pytest.raises(TypeError):
        accept[0] = ("b", 1)  # type: ignore[index]
    assert hash(accept) == hash(Accept([("a", 1)]))


def test_best_match_rules() -> None:
    accept = Accept([("a", 0.5), ("b", 1), ("*", 0.1), ("z", 0)])
    assert accept.best_match(["a", "b"]) == "b"
    assert accept.best_match(["a", "other"]) == "a"
    assert accept.best_match(["other"]) == "other"
    assert accept.best_match(["z"]) is None  # z is refused (q=0), not "*"
    assert Accept([("z", 0)]).best_match(["z"], "d") == "d"
    # Equal quality: the more specific client item wins, then server order.
    assert Accept([("*", 1), ("b", 1)]).best_match(["a", "b"]) == "b"
    assert Accept([("a", 1), ("b", 1)]).best_match(["b", "a"]) == "b"


def test_mime_accept() -> None:
    accept = MIMEAccept(
        [
            ("text/*", 1),
            ("text/html;level=1", 0.5),
            ("*/*", 0.1),
            ("application/json", 1),
        ]
    )
    assert accept.to_header() == (
        "text/html;level=1;q=0.5,application/json,text/*,*/*;q=0.1"
    )
    assert accept.best_match(["text/html;level=1", "application/json"]) == (
        "application/json"
    )
    assert accept["text/plain"] == 1
    assert accept["image/png"] == 0.1
    assert accept["text/html;level=1"] == 0.5
    assert accept.accept_json
    assert accept.accept_html
    assert not MIMEAccept([("image/png", 1)]).accept_html
    assert MIMEAccept([("application/xml", 1)]).accept_xhtml
    assert MIMEAccept([("application/xml", 1)]).accept_html
    assert not MIMEAccept([("text/html", 1)]).accept_json
    assert "text/html" in MIMEAccept([("text/html", 1)])


@pytest.mark.parametrize("value", ["html", "*/html"])
def test_mime_accept_refuses_invalid_server_values(value: str) -> None:
    with pytest.raises(ValueError, match="invalid mimetype"):
        MIMEAccept([("text/html", 1)]).quality(value)


def test_mime_accept_ignores_invalid_client_items() -> None:
    accept = MIMEAccept([("garbage", 1), ("*/html", 1)])
    assert accept.quality("text/html") == 0
    assert accept.best_match(["text/html"]) is None


def test_language_accept_fallbacks() -> None:
    accept = LanguageAccept([("en-US", 1), ("de", 0.5)])
    assert accept.best_match(["en_us"]) == "en_us"
    assert accept.best_match(["en"]) == "en"  # client en-US accepts en
    assert accept.best_match(["de-AT"]) == "de-AT"  # client de accepts de-AT
    assert accept.best_match(["fr"], default="x") == "x"
    assert accept.best_match(iter(["fr", "de-CH"])) == "de-CH"
    assert "EN_us" in accept


def test_charset_accept_uses_codec_aliases() -> None:
    accept = CharsetAccept([("utf8", 1), ("x-unknown", 0.5)])
    assert accept.quality("UTF-8") == 1
    assert accept.quality("X-Unknown") == 0.5
    assert accept.best_match(["latin1", "utf-8"]) == "utf-8"


MIME_ITEMS = [
    "text/html",
    "text/*",
    "*/*",
    "text/html;level=1",
    "text/html; level=1",
    "application/json",
    "application/*",
    "image/png",
    "garbage",
    "*/html",
]
MIME_SERVER_VALUES = [
    "text/html",
    "text/plain",
    "text/html;level=1",
    "text/html;level=2",
    "application/json",
    "image/*",
    "*/*",
    "text/*",
]


def _client_lists(items: list[str]) -> list[list[tuple[str, float]]]:
    qualities = [1, 0.5, 0]
    lists = []
    for first, second in itertools.permutations(items, 2):
        for q1, q2 in itertools.product(qualities, repeat=2):
            lists.append([(first, q1), (second, q2)])
    return lists


def test_mime_accept_matches_werkzeug() -> None:
    from werkzeug.datastructures import MIMEAccept as WzMIMEAccept

    for client in _client_lists(MIME_ITEMS):
        ours = MIMEAccept(client)
        theirs = WzMIMEAccept(client)
        assert list(ours) == list(theirs)
        assert ours.to_header() == theirs.to_header()
        for value in MIME_SERVER_VALUES:
            assert ours.quality(value) == theirs.quality(value), (client, value)
            assert (value in ours) == (value in theirs)
            assert ours.find(value) == theirs.find(value)
        for matches in itertools.permutations(MIME_SERVER_VALUES[:5], 2):
            assert ours.best_match(matches) == theirs.best_match(matches), (
                client,
                matches,
            )


def test_language_accept_matches_werkzeug() -> None:
    from werkzeug.datastructures import LanguageAccept as WzLanguageAccept

    items = ["en-US", "en", "de", "de-CH", "*", "fr_FR", "zh-Hant-TW"]
    server = ["en", "en-US", "en_gb", "de-AT", "fr", "zh", "pt"]
    for client in _client_lists(items):
        ours = LanguageAccept(client)
        theirs = WzLanguageAccept(client)
        assert list(ours) == list(theirs)
        for matches in itertools.permutations(server, 2):
            assert ours.best_match(matches) == theirs.best_match(matches), (
                client,
                matches,
            )


def test_charset_accept_matches_werkzeug() -> None:
    from werkzeug.datastructures import CharsetAccept as WzCharsetAccept

    items = ["utf-8", "UTF8", "latin1", "*", "unknown-x"]
    server = ["utf-8", "iso-8859-1", "ascii", "Unknown-X"]
    for client in _client_lists(items):
        ours = CharsetAccept(client)
        theirs = WzCharsetAccept(client)
        for matches in itertools.permutations(server, 2):
            assert ours.best_match(matches) == theirs.best_match(matches)
        for value in server:
            assert ours.quality(value) == theirs.quality(value)


def test_pathological_accept_lists_finish() -> None:
    many = [(f"text/x{n}", 0.5) for n in range(20_000)] + [("*/*", 0.1)]
    accept = MIMEAccept(many)
    assert accept.best == "text/x0"
    assert accept.best_match(["image/png"]) == "image/png"
