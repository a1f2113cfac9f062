"""The request-body fast paths give exactly what the general paths give.

Each fast path (the one-pass urlencoded decoder, the single-read small body,
the MultiDict built from a list of pairs, the lazily built ``files``) is run
next to its general path on the same input, and the results are compared.
"""

from __future__ import annotations

import collections.abc as cabc
import io
import typing as t

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erlen import exceptions
from erlen.datastructures import ImmutableMultiDict
from erlen.datastructures import MultiDict
from erlen.http.errors import LimitExceededError
from erlen.http.forms import UrlencodedDecoder
from erlen.http.forms import decode_urlencoded
from erlen.http.urls import _parse_plain_pairs
from erlen.http.urls import parse_query_pairs
from erlen.wrappers.request import Request
from erlen.wsgi import LimitedStream
from erlen.wsgi import exhausted_stream
from erlen.wsgi import get_input_stream
from erlen.wsgi import read_declared_body
from erlen.wsgi import read_small_body

# -- erlen.http.urls: the one-pass decoder ----------------------------------------


def general_pairs(body: bytes) -> list[tuple[str, str]]:
    """The general path: a ``str`` query never takes the bytes fast path."""
    return parse_query_pairs(body.decode("utf-8", "replace"))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"a=%41+b", [("a", "A b")]),
        (b"a=1&b=x+y", [("a", "1"), ("b", "x y")]),
        (b"k%3Dx=v%26w", [("k=x", "v&w")]),
        (b"a=%2B&b=%25", [("a", "+"), ("b", "%")]),
        (b"a=%c3%a9%E2%98%95", [("a", "\u00e9\u2615")]),
        (b"a=%ff%41", [("a", "%FFA")]),
        (b"p=C%3A%5Cdir\\x41", [("p", "C:\\dir\\x41")]),
        (b"a=&=b&+=+", [("a", ""), ("", "b"), (" ", " ")]),
        (b"a=1&a=2+", [("a", "1"), ("a", "2 ")]),
    ],
)
def test_plain_pairs_fast_path(body: bytes, expected: list[tuple[str, str]]) -> None:
    assert _parse_plain_pairs(body) == expected
    assert parse_query_pairs(body) == expected
    assert general_pairs(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        b"",  # no piece at all
        b"a+b",  # a piece without "="
        b"a=1&b",  # a later piece without "="
        b"a=1=2+",  # a second "=" in a piece
        b"a=1&&b=2+",  # an empty piece
        b"a=1&+",  # a trailing piece without "="
        b"a=1&",  # a trailing "&"
        b"a=\x00+",  # a raw NUL
        b"a=%00+",  # an escaped NUL
        b"a=%4+",  # an escape cut short
        b"a=%zz+",  # not hex
        b"a=%",  # "%" at the end
    ],
)
def test_plain_pairs_declines_and_general_path_answers(body: bytes) -> None:
    assert _parse_plain_pairs(body) is None
    assert parse_query_pairs(body) == general_pairs(body)


def test_non_ascii_bytes_and_other_separators_keep_the_general_path() -> None:
    assert parse_query_pairs(b"a=\xc3\xa9+%41") == [("a", "\u00e9 A")]
    assert parse_query_pairs(b"a=\xff+") == [("a", "\ufffd ")]
    assert parse_query_pairs(b"a=%41;b=+", separator=";") == [("a", "A"), ("b", " ")]


def test_fast_path_pair_limit_is_414() -> None:
    assert len(parse_query_pairs(b"a=+&" * 9 + b"a=+", max_pairs=10)) == 10
    with pytest.raises(LimitExceededError) as info:
        parse_query_pairs(b"a=+&" * 10 + b"a=+", max_pairs=10)
    assert info.value.status_hint == 414


_ASCII_QUERY = st.lists(
    st.sampled_from(["a", "b", "=", "&", "+", "%", "%41", "%2b", "%c3%a9", "%ff"])
    | st.sampled_from(["%00", "\\", "\\x41", "%3D", "%26", "4", "f", " ", "\x00"]),
    max_size=20,
).map(lambda pieces: "".join(pieces).encode("ascii"))


@given(_ASCII_QUERY)
def test_bytes_fast_path_matches_general_path(body: bytes) -> None:
    assert parse_query_pairs(body) == general_pairs(body)
    plain = _parse_plain_pairs(body)
    if plain is not None:
        assert plain == general_pairs(body)


@pytest.mark.parametrize(
    "body",
    [
        b"a=%41&" * 300_000 + b"z=+",
        b"%41" * 700_000 + b"=+",
        b"=+" + b"%" * 2_000_000,
        b"a=+" + b"=" * 2_000_000,
        b"a=+" + b"&" * 2_000_000,
        b"a=+" + b"\\" * 2_000_000,
    ],
)
def test_fast_path_megabytes_finish(body: bytes) -> None:
    assert parse_query_pairs(body) == general_pairs(body)


# -- erlen.http.forms: a whole body in one step ----------------------------------

FORM_BODIES = [
    b"",
    b"a=1",
    b"first=Ada&last=Love+lace&mail=ada%40example.org&cafe=caf%C3%A9",
    b"a=1&a=2&b",
    b"&&a=1=2&",
    b"a=%FF&b=%zz&c=%",
    b"a=\xc3\xa9&b=\xff",
]


@pytest.mark.parametrize("body", FORM_BODIES)
def test_decode_urlencoded_matches_the_incremental_decoder(body: bytes) -> None:
    decoder = UrlencodedDecoder()
    expected = decoder.feed(body) + decoder.close()
    assert decode_urlencoded(body) == expected
    assert decode_urlencoded(body, 1000, 1000) == expected


@pytest.mark.parametrize(
    ("body", "max_form_memory_size", "max_pairs"),
    [
        (b"a=" + b"x" * 10, 11, None),  # one piece over the limit
        (b"a=1&b=" + b"x" * 10, 11, None),  # the last piece over the limit
        (b"a=1&b=2&c=3", None, 2),  # more pairs than allowed
        (b"a=+&b=+&c=+", None, 2),  # ... on the fast path too
    ],
)
def test_decode_urlencoded_limits_are_413(
    body: bytes, max_form_memory_size: int | None, max_pairs: int | None
) -> None:
    with pytest.raises(LimitExceededError) as info:
        decode_urlencoded(body, max_form_memory_size, max_pairs)
    assert info.value.status_hint == 413


def test_decode_urlencoded_long_body_of_short_pieces_is_within_limits() -> None:
    body = b"&".join(b"k%d=v+%d" % (i, i) for i in range(100))
    assert len(body) > 20
    pairs = decode_urlencoded(body, 20, 100)
    assert pairs[99] == ("k99", "v 99")


# -- erlen.datastructures: a MultiDict from a list of pairs ------------------------


@pytest.mark.parametrize(
    "pairs",
    [
        [],
        [("a", "1")],
        [("a", "1"), ("b", "2")],
        [("a", "1"), ("b", "2"), ("a", "3")],  # a repeated key: grouped
        [("a", "1"), ("a", "1")],
    ],
)
@pytest.mark.parametrize("cls", [MultiDict, ImmutableMultiDict])
def test_multidict_from_list_matches_other_sources(
    cls: type[MultiDict[str, str]], pairs: list[tuple[str, str]]
) -> None:
    from_list = cls(pairs)
    from_iterator = cls(iter(pairs))
    # values of a repeated key are grouped under its first position
    assert sorted(from_list.items(multi=True)) == sorted(pairs)
    assert list(from_list.items(multi=True)) == list(from_iterator.items(multi=True))
    assert list(from_list.lists()) == list(from_iterator.lists())
    assert type(from_list) is cls
    for key, values in from_list.lists():
        assert from_list[key] == values[0]


def test_multidict_from_list_keeps_separate_value_lists() -> None:
    md = MultiDict([("a", "1"), ("b", "2")])
    md.add("a", "3")
    assert md.getlist("a") == ["1", "3"]
    assert md.getlist("b") == ["2"]


def test_multidict_iterates_its_keys() -> None:
    md = MultiDict([("a", "1"), ("b", "2"), ("a", "3")])
    assert list(md) == ["a", "b"]
    assert {key: md[key] for key in md} == {"a": "1", "b": "2"}


# -- erlen.wsgi: the single-read small body -----------------------------------------


class ShortReads(io.BytesIO):
    """A WSGI input that returns at most ``step`` bytes per read."""

    def __init__(self, data: bytes, step: int) -> None:
        super().__init__(data)
        self.step = step
        self.sizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.sizes.append(-1 if size is None else size)
        if size is None or size < 0:
            size = self.step
        return super().read(min(size, self.step))


def body_environ(body: bytes, **extra: t.Any) -> dict[str, t.Any]:
    environ: dict[str, t.Any] = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    environ.update(extra)
    return environ


def test_read_small_body_reads_once_and_the_exhausted_stream_matches() -> None:
    environ = body_environ(b"hello world")
    assert read_small_body(environ, None, 100) == b"hello world"
    stream = exhausted_stream(environ, 11)
    assert isinstance(stream, LimitedStream)
    assert stream.tell() == 11 and stream.is_exhausted
    assert stream.read() == b""
    # the same state as the general path's stream after reading it whole
    general = get_input_stream(body_environ(b"hello world"))
    assert general.read() == b"hello world"
    assert general.tell() == stream.tell() and general.read() == b""


@pytest.mark.parametrize(
    "extra",
    [
        {"CONTENT_LENGTH": "101"},  # over the size limit
        {"CONTENT_LENGTH": ""},  # unknown
        {"HTTP_TRANSFER_ENCODING": "chunked"},  # unknown
    ],
)
def test_read_small_body_declines_without_reading(extra: dict[str, str]) -> None:
    environ = body_environ(b"x" * 101, **extra)
    assert read_small_body(environ, None, 100) is None
    assert environ["wsgi.input"].tell() == 0


def test_read_small_body_empty_body_reads_nothing() -> None:
    environ = body_environ(b"", **{"wsgi.input": ShortReads(b"ignored", 1)})
    assert read_small_body(environ, None, 100) == b""
    assert environ["wsgi.input"].sizes == []


def test_read_small_body_assembles_short_reads_without_reading_past_the_end() -> None:
    stream = ShortReads(b"abcdefghij" + b"NEXT", 4)
    environ = body_environ(b"abcdefghij", **{"wsgi.input": stream})
    assert read_small_body(environ, None, 100) == b"abcdefghij"
    assert stream.sizes == [10, 6, 2]
    assert stream.read(100) == b"NEXT"


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"CONTENT_LENGTH": "11"}, exceptions.RequestEntityTooLarge),  # over max
        ({"CONTENT_LENGTH": "-1"}, exceptions.BadRequest),
        ({"CONTENT_LENGTH": "1e3"}, exceptions.BadRequest),
        ({"CONTENT_LENGTH": "\u0661"}, exceptions.BadRequest),  # Arabic-Indic one
    ],
)
def test_read_small_body_refuses_bad_lengths(
    extra: dict[str, str], error: type[Exception]
) -> None:
    with pytest.raises(error):
        read_small_body(body_environ(b"x" * 11, **extra), 10, 100)


def test_read_small_body_truncated_body_is_client_disconnected() -> None:
    environ = body_environ(b"abc", CONTENT_LENGTH="10")
    with pytest.raises(exceptions.ClientDisconnected):
        read_small_body(environ, None, 100)


# -- erlen.wrappers.request: form and get_data ------------------------------------


def form_request(body: bytes, cls: type[Request] = Request, **extra: t.Any) -> Request:
    environ = body_environ(
        body, CONTENT_TYPE="application/x-www-form-urlencoded", **extra
    )
    return cls(environ)


class StreamingRequest(Request):
    """Replaces ``stream``, so every body goes through the general path."""

    @property
    def stream(self) -> t.IO[bytes]:
        return self.environ["wsgi.input"]  # type: ignore[no-any-return]


class ChildOfStreaming(StreamingRequest):
    pass


class PlainSubclass(Request):
    pass


def test_subclass_flags_say_which_stream_is_used() -> None:
    assert Request._default_stream
    assert PlainSubclass._default_stream
    assert not StreamingRequest._default_stream
    assert not ChildOfStreaming._default_stream


@pytest.mark.parametrize("body", FORM_BODIES)
def test_form_fast_path_matches_general_path(body: bytes) -> None:
    fast = form_request(body)
    general = form_request(body, StreamingRequest)
    assert list(fast.form.items(multi=True)) == list(general.form.items(multi=True))
    assert type(fast.form) is type(general.form) is ImmutableMultiDict
    # the urlencoded fast path leaves no files behind until they are asked for
    assert "files" not in fast.__dict__
    assert fast.files == general.files == {}
    assert type(fast.files) is ImmutableMultiDict
    assert fast.files is fast.files
    assert fast.get_data() == general.get_data() == b""


def test_form_fast_path_leaves_the_consumed_stream() -> None:
    request = form_request(b"a=1&b=2")
    assert request.form["b"] == "2"
    assert isinstance(request.stream, LimitedStream)
    assert request.stream.tell() == 7
    assert request.stream.read() == b""


def test_large_form_takes_the_streaming_parser() -> None:
    body = b"&".join(b"k%d=v+%d" % (i, i) for i in range(10_000))
    assert len(body) > 64 * 1024
    request = form_request(body)
    assert request.form["k9999"] == "v 9999"
    assert len(request.form) == 10_000


@pytest.mark.parametrize(
    ("attribute", "value", "body"),
    [
        ("max_form_memory_size", 5, b"a=123456"),
        ("max_form_parts", 2, b"a=1&b=2&c=3"),
        ("max_form_parts", 2, b"a=+&b=+&c=+"),
        ("max_content_length", 5, b"a=123456"),
    ],
)
@pytest.mark.parametrize("cls", [Request, StreamingRequest])
def test_form_limits_are_413_on_both_paths(
    cls: type[Request], attribute: str, value: int, body: bytes
) -> None:
    request = form_request(body, cls)
    setattr(request, attribute, value)
    with pytest.raises(exceptions.RequestEntityTooLarge):
        _ = request.form


def test_truncated_form_body_is_400() -> None:
    request = form_request(b"a=1", CONTENT_LENGTH="10")
    with pytest.raises(exceptions.ClientDisconnected):
        _ = request.form


def test_shallow_request_refuses_to_read_the_form() -> None:
    environ = body_environ(b"a=1", CONTENT_TYPE="application/x-www-form-urlencoded")
    request = Request(environ, shallow=True)
    with pytest.raises(RuntimeError, match="shallow"):
        _ = request.form


def test_form_after_get_data_is_parsed_from_the_kept_body_on_both_paths() -> None:
    for cls in (Request, StreamingRequest):
        request = form_request(b"a=1", cls)
        assert request.get_data() == b"a=1"
        assert request.form.to_dict() == {"a": "1"}
        assert request.get_data() == b"a=1"


def test_non_form_body_has_empty_form_and_files() -> None:
    request = Request(body_environ(b"{}", CONTENT_TYPE="application/json"))
    assert request.form == {} and request.files == {}
    assert "form" in request.__dict__
    assert request.get_data() == b"{}"


@pytest.mark.parametrize("cache", [True, False])
@pytest.mark.parametrize("cls", [Request, StreamingRequest])
def test_get_data_fast_path_matches_general_path(
    cls: type[Request], cache: bool
) -> None:
    request = cls(body_environ(b'{"a": 1}', CONTENT_TYPE="application/json"))
    assert request.get_data(cache=cache) == b'{"a": 1}'
    assert request.get_data() == (b'{"a": 1}' if cache else b"")


def test_get_data_fast_path_leaves_the_stream_consumed() -> None:
    request = Request(body_environ(b"payload"))
    assert request.get_data() == b"payload"
    assert request.stream.read() == b""


def test_get_data_without_cache_leaves_the_exhausted_stream() -> None:
    request = Request(body_environ(b"payload"))
    assert request.get_data(cache=False) == b"payload"
    assert isinstance(request.stream, LimitedStream)
    assert request.stream.read() == b""


def test_get_data_after_stream_access_reads_the_stream() -> None:
    request = Request(body_environ(b"payload"))
    assert request.stream.read(3) == b"pay"
    assert request.get_data() == b"load"


def test_get_data_large_or_unknown_length_takes_the_stream() -> None:
    big = b"x" * (64 * 1024 + 1)
    assert Request(body_environ(big)).get_data() == big
    terminated = body_environ(b"abc", **{"wsgi.input_terminated": True})
    del terminated["CONTENT_LENGTH"]
    assert Request(terminated).get_data() == b"abc"


def test_get_data_truncated_body_is_400() -> None:
    request = Request(body_environ(b"abc", CONTENT_LENGTH="5"))
    with pytest.raises(exceptions.ClientDisconnected):
        request.get_data()


def test_get_json_through_the_app_uses_the_fast_path() -> None:
    from erlen import Erlen

    app = Erlen(__name__)

    @app.post("/echo")
    def echo() -> t.Any:
        from erlen import request

        return {"got": request.get_json(), "form": request.form.to_dict()}

    rv = app.test_client().post("/echo", json={"a": [1, 2]})
    assert rv.status_code == 200
    assert rv.get_json() == {"got": {"a": [1, 2]}, "form": {}}


def test_limited_stream_still_reads_through_a_buffer() -> None:
    # readinto() serves io.BufferedReader, which the fast paths no longer use
    buffered = io.BufferedReader(LimitedStream(io.BytesIO(b"abcdef"), 4))
    assert buffered.read(2) == b"ab"
    assert buffered.read() == b"cd"


# -- erlen.formparser: a multipart body decoded in one pass -------------------------


def multipart_part(name: str, value: bytes, filename: str | None = None) -> bytes:
    head = f'--B\r\nContent-Disposition: form-data; name="{name}"'
    if filename is not None:
        head += f'; filename="{filename}"\r\nContent-Type: application/x-bin'
    return (head + "\r\n\r\n").encode() + value + b"\r\n"


def parse_multipart(
    body: bytes, content_length: int | None, **kwargs: t.Any
) -> tuple[dict[str, list[str]], list[tuple[str, str | None, bytes, str | None]]]:
    from erlen.formparser import FormDataParser

    _, form, files = FormDataParser(**kwargs).parse(
        io.BytesIO(body), "multipart/form-data", content_length, {"boundary": "B"}
    )
    uploads = [
        (name, storage.filename, storage.read(), storage.content_type)
        for name, storage in files.items(multi=True)
    ]
    return dict(form.lists()), uploads


MULTIPART_BODIES = [
    pytest.param(
        multipart_part("title", b"Report")
        + multipart_part("file", bytes(range(256)) * 400, "data.bin")
        + b"--B--\r\n",
        id="field-and-100k-file",
    ),
    pytest.param(
        multipart_part("big", b"x\r\n" * 30_000)  # a text field over CHUNK_SIZE
        + multipart_part("empty", b"", "empty.txt")
        + multipart_part("a", "\u00e9".encode())
        + multipart_part("a", b"\xff")
        + b"--B--",
        id="large-field-empty-file-repeated-names",
    ),
    pytest.param(
        multipart_part("f1", b"1" * 70_000, "one")
        + multipart_part("f2", b"2" * 70_000, "two")
        + b"--B--\r\nepilogue",
        id="two-files-over-a-chunk",
    ),
]


@pytest.mark.parametrize("body", MULTIPART_BODIES)
def test_multipart_one_pass_matches_chunked_decoding(body: bytes) -> None:
    # a declared length up to SPOOL_THRESHOLD is decoded in one pass; an unknown
    # length is fed to the decoder chunk by chunk
    one_pass = parse_multipart(body, len(body))
    chunked = parse_multipart(body, None)
    assert one_pass == chunked
    assert one_pass[1]  # files were found


def test_multipart_one_piece_upload_shares_the_body_bytes() -> None:
    from erlen.formparser import FormDataParser

    body = multipart_part("file", b"z" * 1000, "z.bin") + b"--B--"
    _, _, files = FormDataParser().parse(
        io.BytesIO(body), "multipart/form-data", len(body), {"boundary": "B"}
    )
    storage = files["file"]
    assert type(storage.stream) is io.BytesIO
    assert storage.stream.tell() == 0
    assert storage.read() == b"z" * 1000
    assert storage.headers["Content-Type"] == "application/x-bin"


def test_multipart_one_pass_with_a_stream_factory() -> None:
    opened: list[io.BytesIO] = []

    def factory(
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None,
        content_length: int | None = None,
    ) -> t.IO[bytes]:
        opened.append(io.BytesIO())
        return opened[-1]

    body = multipart_part("file", b"data", "d.bin") + b"--B--"
    _, uploads = parse_multipart(body, len(body), stream_factory=factory)
    assert uploads == [("file", "d.bin", b"data", "application/x-bin")]
    assert len(opened) == 1 and opened[0].getvalue() == b"data"


def test_multipart_declared_length_longer_than_the_body_is_400() -> None:
    from erlen.exceptions import BadRequest

    body = multipart_part("a", b"1") + b"--B--"
    with pytest.raises(BadRequest):
        parse_multipart(body[:-5], len(body))


def test_multipart_truncated_file_closes_what_was_opened() -> None:
    from erlen.exceptions import BadRequest

    # the file part starts but its data never ends (or never starts: then no
    # stream was opened yet)
    body = (
        multipart_part("a", b"1") + b'--B\r\nContent-Disposition: form-data; name="f"'
    )
    body += b'; filename="f"\r\n\r\nno end'
    for cut in (body, body[: -len(b"no end")]):
        with pytest.raises(BadRequest):
            parse_multipart(cut, len(cut))
        with pytest.raises(BadRequest):
            parse_multipart(cut, None)


def test_multipart_upload_through_the_app() -> None:
    from erlen import Erlen

    app = Erlen(__name__)

    @app.post("/up")
    def up() -> t.Any:
        from erlen import request

        upload = request.files["file"]
        return {"size": len(upload.read()), "title": request.form["title"]}

    rv = app.test_client().post(
        "/up",
        data={"title": "T", "file": (io.BytesIO(b"q" * 100_000), "q.bin")},
    )
    assert rv.get_json() == {"size": 100_000, "title": "T"}


# -- the Content-Type of a request --------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "application/json",
        " application/json\t",
        "Text/HTML",
        "application/vnd.api+json",
        "a\x00b",  # control characters are kept, as by parse_options_header
        " \t ",
        "x" * 256,  # the longest bare value the shortcut takes
        "x" * 257,
        "text/plain; charset=utf-8",
        "multipart/form-data; boundary=B",
        ";",
    ],
)
def test_bare_mimetype_shortcut_matches_parse_options_header(raw: str | None) -> None:
    from erlen.http.headers import parse_options_header

    environ: dict[str, t.Any] = {"REQUEST_METHOD": "GET"}
    if raw is not None:
        environ["CONTENT_TYPE"] = raw
    request = Request(environ)
    expected = parse_options_header(raw or "")
    assert request.mimetype == expected[0].lower()
    assert request.mimetype_params == expected[1]


def test_oversized_content_type_is_431() -> None:
    request = Request({"CONTENT_TYPE": "x" * 70_000})
    with pytest.raises(exceptions.RequestHeaderFieldsTooLarge):
        _ = request.mimetype


@pytest.mark.parametrize(
    ("raw", "is_json"),
    [
        ("application/json", True),
        ("Application/JSON", True),
        ("application/problem+json; charset=utf-8", True),
        ("application/jsonx", False),
        ("text/json", False),
        ("", False),
    ],
)
def test_is_json(raw: str, is_json: bool) -> None:
    assert Request({"CONTENT_TYPE": raw}).is_json is is_json


def test_args_from_a_latin1_query_string() -> None:
    # WSGI gives the raw bytes as latin-1 text; they are decoded as UTF-8
    query = "a=caf\u00e9&b=%41".encode().decode("latin-1")
    request = Request({"QUERY_STRING": query})
    assert list(request.args.items(multi=True)) == [("a", "caf\u00e9"), ("b", "A")]


@pytest.mark.parametrize("content_length", [0, None])
def test_multipart_empty_body_is_an_empty_form(content_length: int | None) -> None:
    assert parse_multipart(b"", content_length) == ({}, [])


# -- erlen.http.multipart: the usual Content-Disposition --------------------------

_DISPOSITION_TEXT = st.lists(
    st.sampled_from(list('ab "\\%*;=\t\u00e9') + ["%22", "%41", "*0"]),
    max_size=8,
).map("".join)


def _disposition_from_parser(disposition: str) -> tuple[str | None, str | None]:
    from erlen.http.headers import parse_options_header

    params = parse_options_header(disposition)[1]
    return params.get("name"), params.get("filename")


def _disposition_from_decoder(disposition: str) -> tuple[str | None, str | None]:
    from erlen.http.errors import MalformedError
    from erlen.http.multipart import File
    from erlen.http.multipart import MultipartDecoder

    decoder = MultipartDecoder(b"B")
    try:
        event = decoder._make_part_event((("Content-Disposition", disposition),))
    except MalformedError:
        return None, None
    return event.name, event.filename if isinstance(event, File) else None


@given(_DISPOSITION_TEXT, st.none() | _DISPOSITION_TEXT)
def test_part_names_match_parse_options_header(name: str, filename: str | None) -> None:
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    assert _disposition_from_decoder(disposition) == _disposition_from_parser(
        disposition
    )


@pytest.mark.parametrize(
    "disposition",
    [
        'form-data; name="a"',
        'form-data; name="a"; filename="b c.txt"',
        'form-data; name=""; filename=""',
        'form-data; name="a%22b"; filename="x%22y"',
        'form-data; name="a\\"b"',
        "form-data; name*=UTF-8''%C3%A9",
        'form-data; filename="f"; name="n"',
        "form-data; name=a",
        'Form-Data; NAME="a"',
        'form-data;name="a"',
        'attachment; name="a"',
    ],
)
def test_part_name_table_matches_parse_options_header(disposition: str) -> None:
    assert _disposition_from_decoder(disposition) == _disposition_from_parser(
        disposition
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ([("a", "1"), ("a", "2")], [("a", "1"), ("a", "2")]),
        ((("a", "1"), ("b", "2")), [("a", "1"), ("b", "2")]),
        ({"a": ["1", "2"], "b": "3"}, [("a", "1"), ("a", "2"), ("b", "3")]),
        (MultiDict([("a", "1"), ("a", "2")]), [("a", "1"), ("a", "2")]),
        (iter([("a", "1")]), [("a", "1")]),
        ([], []),
    ],
)
def test_iter_multi_items_sources(
    source: t.Any, expected: list[tuple[str, str]]
) -> None:
    from erlen.datastructures import Headers
    from erlen.datastructures import iter_multi_items

    assert list(iter_multi_items(source)) == expected
    if not isinstance(source, cabc.Iterator):
        assert list(Headers(source).items()) == expected


def test_form_data_parser_class_and_factory_are_used() -> None:
    from erlen.formparser import FormDataParser

    assert Request.form_data_parser_class is FormDataParser
    made: list[str] = []

    class CountingParser(FormDataParser):
        def parse(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
            made.append("class")
            return super().parse(*args, **kwargs)

    class WithClass(Request):
        form_data_parser_class = CountingParser

    class WithFactory(Request):
        def make_form_data_parser(self) -> FormDataParser:
            made.append("factory")
            return super().make_form_data_parser()

    body = b"a=1&b=2"
    for cls in (WithClass, WithFactory, Request):
        environ = {
            "REQUEST_METHOD": "POST",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        assert cls(environ).form.to_dict() == {"a": "1", "b": "2"}
    # the small-body fast path is only taken without a custom parser
    assert made == ["class", "factory"]


# -- the small urlencoded form and the declared-body read --------------------------


def test_form_over_64_kib_with_a_five_digit_length_takes_the_parser() -> None:
    body = b"k=" + b"v" * 69_998
    request = form_request(body)
    assert request.environ["CONTENT_LENGTH"] == "70000"
    assert request.form["k"] == "v" * 69_998
    assert type(request.form) is ImmutableMultiDict  # the parser's storage


def test_form_uses_the_request_max_content_length_over_the_config() -> None:
    from erlen import Erlen

    app = Erlen(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1000
    with app.app_context():
        request = form_request(b"a=123456789")
        request.max_content_length = 5
        with pytest.raises(exceptions.RequestEntityTooLarge):
            request.form  # noqa: B018
        request = form_request(b"a=123456789")
        request.max_content_length = 100
        assert request.form["a"] == "123456789"


@pytest.mark.parametrize(
    ("chunks", "sizes"),
    [
        ([b"abcdefghij"], [10]),  # the whole body in one read
        ([b"abc", b"defg", b"hij"], [10, 7, 3]),  # short reads, assembled
        ([bytearray(b"abcdefghij")], [10]),  # not bytes: copied
    ],
)
def test_read_declared_body_reads_exactly_the_length(
    chunks: list[bytes], sizes: list[int]
) -> None:
    asked: list[int] = []

    class Input:
        def read(self, size: int) -> bytes:
            asked.append(size)
            return chunks.pop(0) if chunks else b""

    body = read_declared_body({"wsgi.input": Input()}, 10, None)
    assert body == b"abcdefghij" and type(body) is bytes
    # SECURITY: each read asks for what is left of the declared length, no more
    assert asked == sizes


@pytest.mark.parametrize("data", [b"", b"abc"])
def test_read_declared_body_short_input_is_client_disconnected(data: bytes) -> None:
    with pytest.raises(exceptions.ClientDisconnected):
        read_declared_body({"wsgi.input": io.BytesIO(data)}, 10, None)


def test_read_declared_body_over_the_limit_reads_nothing() -> None:
    stream = io.BytesIO(b"x" * 20)
    with pytest.raises(exceptions.RequestEntityTooLarge):
        read_declared_body({"wsgi.input": stream}, 20, 10)
    assert stream.tell() == 0


def test_get_data_of_a_body_the_small_read_declines() -> None:
    body = b"x" * 70_000
    request = Request(body_environ(body, CONTENT_LENGTH="070000"))
    assert request.get_data() == body


def test_needs_close_says_when_the_request_end_must_close() -> None:
    class OwnClose(Request):
        def close(self) -> None:
            super().close()

    class OwnLoad(Request):
        def _load_form_data(self) -> None:
            super()._load_form_data()

    assert not Request._needs_close and not PlainSubclass._needs_close
    assert OwnClose._needs_close and OwnLoad._needs_close
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"'
        f"\r\n\r\ndata\r\n--{boundary}--\r\n"
    ).encode()
    request = Request(
        body_environ(body, CONTENT_TYPE=f"multipart/form-data; boundary={boundary}")
    )
    assert not request._needs_close
    assert request.files["f"].read() == b"data"
    assert request._needs_close  # a file was kept: the request end closes it
    without_files = form_request(b"a=1")
    assert without_files.files == {} and not without_files._needs_close
