"""The grouped decoders (``key -> list of values``) and the request paths using them.

``parse_query_lists`` and ``decode_urlencoded_lists`` must give the pairs of
``parse_query_pairs``/``decode_urlencoded`` grouped by key; ``Request.args``
and ``Request.form`` built from them must equal what the general paths build.
"""

from __future__ import annotations

import io
import itertools
import typing as t

import pytest

from erlen import Erlen
from erlen import exceptions
from erlen.datastructures import ImmutableMultiDict
from erlen.datastructures import MultiDict
from erlen.http.errors import LimitExceededError
from erlen.http.forms import decode_urlencoded
from erlen.http.forms import decode_urlencoded_lists
from erlen.http.forms import decode_urlencoded_single
from erlen.http.urls import parse_query_lists
from erlen.http.urls import parse_query_pairs
from erlen.wrappers.request import Request


def grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {}
    for key, value in pairs:
        lists.setdefault(key, []).append(value)
    return lists


# every string of up to four of these pieces: separators, escapes, plus signs,
# stray percent signs, NUL and non-ASCII text, in every position
PIECES = ["a", "b", "=", "&", "%41", "+", "%", "\x00", "\u00e9"]
SMALL_QUERIES = [
    "".join(combo) for n in range(5) for combo in itertools.product(PIECES, repeat=n)
]


def test_parse_query_lists_groups_parse_query_pairs_exhaustively() -> None:
    for query in SMALL_QUERIES:
        lists = parse_query_lists(query)
        expected = grouped(parse_query_pairs(query))
        assert lists == expected, query
        assert list(lists) == list(expected), query  # first-appearance order


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {}),
        ("a=1&b=2&a=3", {"a": ["1", "3"], "b": ["2"]}),
        ("a=b=c&d", {"a": ["b=c"], "d": [""]}),
        ("&a=1", {"a": ["1"]}),
        ("a=1&", {"a": ["1"]}),
        ("a=1&&b=2", {"a": ["1"], "b": ["2"]}),
        ("x=%41+b", {"x": ["A b"]}),
    ],
)
def test_parse_query_lists_table(query: str, expected: dict[str, list[str]]) -> None:
    assert parse_query_lists(query) == expected


@pytest.mark.parametrize("query", ["a=1&b=2&c=3", "a=%41&b&c=+", "&a&b&c&"])
def test_parse_query_lists_pair_limit_is_414_on_both_paths(query: str) -> None:
    assert len(parse_query_lists(query, max_pairs=3)) == 3
    with pytest.raises(LimitExceededError) as caught:
        parse_query_lists(query, max_pairs=2)
    assert caught.value.status_hint == 414


def test_parse_query_lists_many_pairs_finish() -> None:
    query = "&".join(f"k{i % 100}=v{i}" for i in range(200_000))
    lists = parse_query_lists(query)
    assert len(lists) == 100
    assert len(lists["k7"]) == 2000


FORM_BODIES = [
    b"",
    b"a=1",
    b"a=1&a=2&b=3&a=4",
    b"first=Ada&last=Love+lace&mail=ada%40example.org&cafe=caf%C3%A9",
    b"a=1&a=2&b",
    b"&&a=1=2&",
    b"a=%FF&b=%zz&c=%",
    b"a=%00&b=1",
    b"a=\xc3\xa9&b=\xff",
    b"k%3Dx=v%26w&k%3Dx=2",
]


@pytest.mark.parametrize("body", FORM_BODIES)
def test_decode_urlencoded_lists_groups_decode_urlencoded(body: bytes) -> None:
    lists = decode_urlencoded_lists(body)
    expected = grouped(decode_urlencoded(body))
    assert lists == expected
    assert list(lists) == list(expected)


def test_decode_urlencoded_lists_exhaustively() -> None:
    for query in SMALL_QUERIES:
        body = query.encode()
        assert decode_urlencoded_lists(body) == grouped(decode_urlencoded(body)), body


def _single_as_lists(body: bytes) -> dict[str, list[str]]:
    values, single = decode_urlencoded_single(body)
    if single:
        return {key: [value] for key, value in values.items()}
    return values


@pytest.mark.parametrize("body", FORM_BODIES)
def test_decode_urlencoded_single_gives_the_lists_or_the_single_values(
    body: bytes,
) -> None:
    expected = decode_urlencoded_lists(body)
    lists = _single_as_lists(body)
    assert lists == expected
    assert list(lists) == list(expected)


def test_decode_urlencoded_single_exhaustively() -> None:
    singles = 0
    for query in SMALL_QUERIES:
        body = query.encode()
        values, single = decode_urlencoded_single(body)
        singles += single
        if single:
            assert all(type(value) is str for value in values.values())
        assert _single_as_lists(body) == decode_urlencoded_lists(body), body
    assert 0 < singles < len(SMALL_QUERIES)  # both answers were exercised


@pytest.mark.parametrize(
    ("body", "memory", "parts"),
    [
        (b"a=123456", 5, None),  # one piece over the memory limit (fast path)
        (b"a=\xff23456", 5, None),  # the same on the general path
        (b"a=1&b=2&c=3", None, 2),  # too many pairs (fast path)
        (b"a&b&c", None, 2),  # too many pairs (general path)
        (b"a=1&a=2&a=3", None, 2),  # repeated keys still count as pairs
    ],
)
def test_decode_urlencoded_lists_limits_are_413(
    body: bytes, memory: int | None, parts: int | None
) -> None:
    with pytest.raises(LimitExceededError) as caught:
        decode_urlencoded_lists(body, memory, parts)
    assert caught.value.status_hint == 413
    with pytest.raises(LimitExceededError):
        decode_urlencoded_single(body, memory, parts)
    with pytest.raises(LimitExceededError):
        decode_urlencoded(body, memory, parts)


def test_decode_urlencoded_lists_long_body_of_short_pieces_is_within_limits() -> None:
    body = b"&".join(b"k%d=v" % i for i in range(1000))
    assert len(decode_urlencoded_lists(body, 20, 1000)) == 1000


# -- Request.args and Request.form built from the lists ----------------------------


class PairsStorage(ImmutableMultiDict[str, t.Any]):
    """A storage class with its own __init__: the request passes pairs to it."""

    def __init__(self, mapping: t.Any = None) -> None:
        self.built_from = list(mapping) if mapping is not None else []
        super().__init__(self.built_from)


class PairsRequest(Request):
    parameter_storage_class = PairsStorage


@pytest.mark.parametrize(
    "query", ["a=1&b=2&a=3", "x=%41+b&x=", "&a&", "caf\u00c3\u00a9=1", ""]
)
def test_args_equal_on_the_lists_path_and_the_pairs_path(query: str) -> None:
    environ = {"QUERY_STRING": query}
    fast = Request(environ).args
    general = PairsRequest(dict(environ)).args
    assert type(fast) is ImmutableMultiDict
    assert type(general) is PairsStorage
    assert list(fast.items(multi=True)) == list(general.items(multi=True))
    assert grouped(general.built_from) == dict(fast.lists())


def test_args_pair_limit_is_414_on_the_lists_path() -> None:
    request = Request({"QUERY_STRING": "a=1&b=2&c=3"})
    request.max_query_pairs = 2
    with pytest.raises(exceptions.RequestURITooLarge):
        _ = request.args


def form_environ(body: bytes, **extra: str) -> dict[str, t.Any]:
    environ: dict[str, t.Any] = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    environ.update(extra)
    return environ


@pytest.mark.parametrize("body", FORM_BODIES)
def test_form_with_its_own_storage_init_gets_the_same_pairs(body: bytes) -> None:
    fast = Request(form_environ(body)).form
    general = PairsRequest(form_environ(body)).form
    assert type(general) is PairsStorage
    assert list(fast.items(multi=True)) == list(general.items(multi=True))


@pytest.mark.parametrize(
    "extra",
    [
        {"CONTENT_LENGTH": " 3"},  # spaces: get_content_length strips them
        {"CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8"},
        {"CONTENT_TYPE": "Application/X-WWW-Form-Urlencoded"},
    ],
)
def test_unusual_headers_take_the_general_path_to_the_same_form(
    extra: dict[str, str],
) -> None:
    request = Request(form_environ(b"a=1", **extra))
    assert request.form == MultiDict([("a", "1")])
    assert request.stream.read() == b""


@pytest.mark.parametrize("length", ["1" * 6, "x", "-1", "\u0661"])
def test_lengths_the_fast_read_declines_are_handled_as_before(length: str) -> None:
    request = Request(form_environ(b"a=1", CONTENT_LENGTH=length))
    if length.isascii() and length.isdigit():
        # a declared 111111-byte body that ends early
        with pytest.raises(exceptions.ClientDisconnected):
            _ = request.form
    else:
        with pytest.raises(exceptions.BadRequest):
            _ = request.form


def test_chunked_form_takes_the_stream() -> None:
    environ = form_environ(b"a=1", HTTP_TRANSFER_ENCODING="chunked")
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    assert Request(environ).form == MultiDict([("a", "1")])


class OwnLimits(Request):
    """Overrides the limit properties: the fast read must ask them."""

    @property
    def max_content_length(self) -> int | None:
        return 4

    @property
    def max_form_memory_size(self) -> int | None:
        return 3

    @property
    def max_form_parts(self) -> int | None:
        return 1


def test_limit_flag_follows_the_properties() -> None:
    assert Request._default_limits
    assert not OwnLimits._default_limits


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"a=12345", exceptions.RequestEntityTooLarge),  # over max_content_length
        (b"a=12", exceptions.RequestEntityTooLarge),  # one piece over 3 bytes
        (b"a&b", exceptions.RequestEntityTooLarge),  # two parts
    ],
)
def test_overridden_limit_properties_apply(body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        _ = OwnLimits(form_environ(body)).form
    assert OwnLimits(form_environ(b"a")).form == MultiDict([("a", "")])


@pytest.mark.parametrize(
    ("key", "value", "body"),
    [
        ("MAX_CONTENT_LENGTH", 5, b"a=123456"),
        ("MAX_FORM_MEMORY_SIZE", 5, b"a=123456"),
        ("MAX_FORM_PARTS", 2, b"a=1&b=2&c=3"),
    ],
)
def test_config_limits_apply_on_the_fast_path(
    key: str, value: int, body: bytes
) -> None:
    app = Erlen(__name__)
    app.config[key] = value

    @app.post("/")
    def echo() -> str:
        from erlen import request

        return ",".join(request.form)

    client = app.test_client()
    response = client.post(
        "/", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    app.config[key] = None
    response = client.post(
        "/", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert response.text == ",".join(decode_urlencoded_lists(body))


def test_per_request_limits_override_the_config() -> None:
    app = Erlen(__name__)
    app.config["MAX_FORM_PARTS"] = 1
    with app.test_request_context(
        "/",
        method="POST",
        data=b"a=1&b=2",
        content_type="application/x-www-form-urlencoded",
    ):
        from erlen import request

        request.max_form_parts = 5
        assert request.form == MultiDict([("a", "1"), ("b", "2")])


@pytest.mark.parametrize(
    ("memory", "parts", "body", "refused"),
    [
        (None, None, b"a=1&b=2", True),  # both from the config: 1 part allowed
        (50, None, b"a=1&b=2", True),  # parts still from the config
        (None, 5, b"a=1&b=2", False),  # memory from the config (500 kB)
        (3, 5, b"a=1&b=2", False),  # both per request: the config is not read
        (2, 5, b"a=1&b=2", True),  # "a=1" is over 2 bytes
    ],
)
def test_form_limits_mix_request_values_and_config(
    memory: int | None, parts: int | None, body: bytes, refused: bool
) -> None:
    app = Erlen(__name__)
    app.config["MAX_FORM_PARTS"] = 1
    with app.app_context():
        request = Request(form_environ(body))
        request.max_form_memory_size = memory
        request.max_form_parts = parts
        if refused:
            with pytest.raises(exceptions.RequestEntityTooLarge):
                _ = request.form
        else:
            assert request.form == MultiDict([("a", "1"), ("b", "2")])


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"a=1&b=x+y", "_SingleValueImmutableMultiDict"),
        (b"a=1&a=2", "ImmutableMultiDict"),  # a key repeats
        (b"a&b=1", "ImmutableMultiDict"),  # needs the general decoder
    ],
)
def test_form_keeps_single_values_only_when_no_key_repeats(
    body: bytes, kind: str
) -> None:
    app = Erlen(__name__)

    @app.post("/")
    def echo() -> str:
        from erlen import request

        form = request.form
        return f"{type(form).__name__} {form.to_dict(flat=False)}"

    response = app.test_client().post(
        "/", data=body, content_type="application/x-www-form-urlencoded"
    )
    # to_dict spread the single values first: the answer is a plain instance's
    assert response.text == f"{kind} {decode_urlencoded_lists(body)}"


def test_a_custom_storage_class_gets_its_own_instances() -> None:
    class Storage(MultiDict[str, str]):
        pass

    class CustomRequest(Request):
        parameter_storage_class = Storage

    app = Erlen(__name__)
    app.request_class = CustomRequest

    @app.post("/")
    def echo() -> str:
        from erlen import request

        return f"{type(request.form).__name__} {request.form['a']}"

    response = app.test_client().post(
        "/", data=b"a=1", content_type="application/x-www-form-urlencoded"
    )
    assert response.text == "Storage 1"
