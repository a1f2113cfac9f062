"""EnvironBuilder, create_environ and the multipart encoder of ``erlen.test``."""

from __future__ import annotations

import io
import typing as t

import pytest

from erlen.datastructures import FileStorage
from erlen.datastructures import Headers
from erlen.datastructures import MultiDict
from erlen.test import EnvironBuilder
from erlen.test import create_environ
from erlen.test import encode_multipart
from erlen.test import stream_encode_multipart
from erlen.wrappers import Request

# Keys whose values are objects (streams) or differ by design; compared apart.
OBJECT_KEYS = {"wsgi.input", "wsgi.errors"}


def werkzeug_environ(*args: t.Any, **kwargs: t.Any) -> dict[str, t.Any]:
    from werkzeug.test import EnvironBuilder as WerkzeugBuilder

    builder = WerkzeugBuilder(*args, **kwargs)
    try:
        return builder.get_environ()
    finally:
        builder.close()


def comparable(environ: dict[str, t.Any]) -> dict[str, t.Any]:
    out = {k: v for k, v in environ.items() if k not in OBJECT_KEYS}
    out["body"] = environ["wsgi.input"].read()
    return out


DIFFERENTIAL_CASES: list[tuple[tuple[t.Any, ...], dict[str, t.Any]]] = [
    (("/",), {}),
    (("/a/b",), {"method": "post"}),
    (("/x?a=1&b=2",), {}),
    (("/x",), {"query_string": "q=%20x"}),
    (("/x",), {"query_string": {"a": "b c/?$!&é", "n": ["1", "2"]}}),
    (("/a b/é%2F?x=é",), {}),
    (("/p#frag",), {}),
    (("/",), {"base_url": "https://example.com:8443/root/"}),
    (("/",), {"base_url": "https://example.com"}),
    (("/",), {"base_url": "http://example.com:80/"}),
    (("/",), {"data": b"raw", "content_type": "text/plain"}),
    (("/",), {"data": "ünïcode"}),
    (("/",), {"data": {"a": "1", "b": ["2", "3"]}}),
    (("/",), {"data": {"a": "1"}, "content_type": "text/plain"}),
    (("/",), {"data": {"a": "x"}, "mimetype": "application/x-www-form-urlencoded"}),
    (("/",), {"json": {"a": [1, 2]}}),
    (("/",), {"json": [1], "content_type": "application/vnd.api+json"}),
    (("/",), {"headers": [("X-A", "1"), ("X-A", "2"), ("Content-Type", "t/x")]}),
    (("/",), {"headers": {"User-Agent": "ua", "Content-Length": "3"}}),
    (("/",), {"auth": ("user", "pässword")}),
    (("/",), {"mimetype": "text/html"}),
    (("/",), {"mimetype": "application/json"}),
    (("/",), {"content_length": 5}),
    (("/",), {"environ_base": {"REMOTE_ADDR": "1.2.3.4", "PATH_INFO": "/no"}}),
    (("/",), {"environ_overrides": {"PATH_INFO": "/yes", "X": 1}}),
    (("/",), {"multithread": True, "multiprocess": True, "run_once": True}),
]


@pytest.mark.parametrize(("args", "kwargs"), DIFFERENTIAL_CASES)
def test_environ_matches_werkzeug(
    args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
) -> None:
    expected = comparable(werkzeug_environ(*args, **kwargs))
    assert comparable(create_environ(*args, **kwargs)) == expected


def test_defaults_form_a_complete_pep3333_environ() -> None:
    environ = create_environ()
    assert environ["REQUEST_METHOD"] == "GET"
    assert environ["SCRIPT_NAME"] == ""
    assert environ["PATH_INFO"] == "/"
    assert environ["QUERY_STRING"] == ""
    assert environ["SERVER_NAME"] == "localhost"
    assert environ["SERVER_PORT"] == "80"
    assert environ["HTTP_HOST"] == "localhost"
    assert environ["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert environ["wsgi.version"] == (1, 0)
    assert environ["wsgi.url_scheme"] == "http"
    assert environ["wsgi.input"].read() == b""
    assert "CONTENT_TYPE" not in environ
    assert "CONTENT_LENGTH" not in environ


def test_path_info_is_utf8_bytes_as_latin1() -> None:
    environ = create_environ("/caf%C3%A9/ü")
    assert environ["PATH_INFO"] == "/café/ü".encode().decode("latin-1")
    assert environ["REQUEST_URI"] == "/caf%C3%A9/ü".encode().decode("latin-1")


def test_query_string_in_path_and_argument_is_an_error() -> None:
    with pytest.raises(ValueError, match="defined in the path and as an argument"):
        EnvironBuilder("/a?x=1", query_string="y=2")


def test_base_url_with_query_is_an_error() -> None:
    with pytest.raises(ValueError, match="must not contain a query"):
        EnvironBuilder(base_url="http://h/?q=1")


def test_base_url_round_trips() -> None:
    builder = EnvironBuilder(base_url="https://Example.com:8443/root//")
    assert builder.base_url == "https://Example.com:8443/root/"
    assert (builder.server_name, builder.server_port) == ("Example.com", 8443)
    builder.base_url = None
    assert builder.base_url == "http://localhost/"
    assert builder.server_port == 80


def test_ipv6_host_is_split_at_the_bracket() -> None:
    # Differs from Werkzeug, which reports SERVER_NAME "[" for this host.
    environ = create_environ(base_url="http://[::1]:8080/")
    assert environ["SERVER_NAME"] == "[::1]"
    assert environ["SERVER_PORT"] == "8080"
    assert environ["HTTP_HOST"] == "[::1]:8080"
    assert EnvironBuilder(base_url="https://[::1]/").server_port == 443


def test_args_and_query_string_exclude_each_other() -> None:
    builder = EnvironBuilder(query_string={"a": "1"})
    assert builder.args == MultiDict({"a": "1"})
    builder.args.add("a", "2")
    assert builder.query_string == "a=1&a=2"
    builder.query_string = "z=9"
    with pytest.raises(AttributeError, match="query string is defined"):
        _ = builder.args
    builder.args = None
    assert builder.query_string == ""
    assert builder.args == MultiDict()


def test_none_values_are_left_out_of_urlencoded_data() -> None:
    environ = create_environ(query_string=MultiDict([("a", None), ("b", "1")]))
    assert environ["QUERY_STRING"] == "b=1"


def test_content_type_and_length_properties() -> None:
    builder = EnvironBuilder(content_type="text/plain; charset=latin-1")
    assert builder.mimetype == "text/plain"
    assert builder.mimetype_params == {"charset": "latin-1"}
    builder.content_type = None
    assert builder.content_type is None
    assert builder.mimetype is None
    assert builder.mimetype_params == {}
    builder.content_length = 4
    assert builder.headers["Content-Length"] == "4"
    builder.content_length = None
    assert builder.content_length is None
    builder.headers["Content-Length"] = "nope"
    assert builder.content_length is None
    builder.mimetype = "text/html"
    assert builder.content_type == "text/html; charset=utf-8"


def test_data_and_json_together_is_an_error() -> None:
    with pytest.raises(TypeError, match="both json and data"):
        EnvironBuilder(json={}, data="x")


def test_data_and_input_stream_together_is_an_error() -> None:
    with pytest.raises(TypeError, match="input stream and data"):
        EnvironBuilder(input_stream=io.BytesIO(b"x"), data="y")


def test_data_can_be_a_readable_object() -> None:
    environ = create_environ(data=io.BytesIO(b"from a file"))
    assert environ["CONTENT_LENGTH"] == "11"
    assert environ["wsgi.input"].read() == b"from a file"


def test_input_stream_length_is_measured_from_the_position() -> None:
    stream = io.BytesIO(b"0123456789")
    stream.seek(4)
    environ = create_environ(input_stream=stream, content_length=99)
    assert environ["CONTENT_LENGTH"] == "6"
    assert environ["wsgi.input"].read() == b"456789"


class Unseekable:
    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)

    def tell(self) -> int:
        raise OSError("not seekable")


def test_unseekable_input_stream_keeps_the_given_length() -> None:
    stream = Unseekable(b"abc")
    environ = create_environ(input_stream=stream, content_length=3)
    assert environ["CONTENT_LENGTH"] == "3"
    assert environ["wsgi.input"] is stream


def test_setting_input_stream_drops_form_and_the_reverse() -> None:
    builder = EnvironBuilder(data={"a": "1"})
    builder.input_stream = io.BytesIO(b"raw")
    assert builder.input_stream is not None
    with pytest.raises(AttributeError, match="input stream is defined"):
        _ = builder.form
    with pytest.raises(AttributeError, match="input stream is defined"):
        _ = builder.files
    builder.form = MultiDict({"b": "2"})
    assert builder.input_stream is None
    assert builder.get_environ()["wsgi.input"].read() == b"b=2"
    builder.files = builder.files
    assert builder.content_type == "application/x-www-form-urlencoded"


def test_auth_object_with_to_header() -> None:
    class Token:
        def to_header(self) -> str:
            return "Bearer abc"

    assert create_environ(auth=Token())["HTTP_AUTHORIZATION"] == "Bearer abc"


def test_headers_are_combined_and_content_headers_moved() -> None:
    environ = create_environ(
        headers=Headers([("X-Multi", "a"), ("x-multi", "b"), ("Content-Type", "a/b")])
    )
    assert environ["HTTP_X_MULTI"] == "a, b"
    assert environ["CONTENT_TYPE"] == "a/b"
    assert "HTTP_CONTENT_TYPE" not in environ


def test_get_request_uses_the_request_class() -> None:
    class MyRequest(Request):
        pass

    builder = EnvironBuilder("/p?q=1", method="PUT")
    request = builder.get_request()
    assert type(request) is Request
    assert (request.method, request.path, request.args["q"]) == ("PUT", "/p", "1")
    assert type(builder.get_request(MyRequest)) is MyRequest
    builder.request_class = MyRequest
    assert type(builder.get_request()) is MyRequest


def test_request_from_values_uses_the_builder() -> None:
    request = Request.from_values("/x?q=1", data=b"body", method="POST")
    assert (request.method, request.args["q"], request.get_data()) == (
        "POST",
        "1",
        b"body",
    )


def test_base_url_without_host_defaults_to_localhost() -> None:
    # Differs from Werkzeug, which leaves the scheme and HTTP_HOST empty here.
    environ = create_environ(base_url="/only/a/root")
    assert (environ["wsgi.url_scheme"], environ["HTTP_HOST"]) == ("http", "localhost")
    assert environ["SCRIPT_NAME"] == "/only/a/root"


def test_from_environ_reproduces_an_environ() -> None:
    original = create_environ(
        "/a%3Fb/100%25",
        base_url="https://h.example:444/root",
        query_string="x=é",
        method="PATCH",
        headers={"X-Custom": "v", "Content-Type": "text/plain"},
        data=b"body",
    )
    rebuilt = EnvironBuilder.from_environ(original).get_environ()
    for key in OBJECT_KEYS:
        original.pop(key)
        rebuilt.pop(key)
    assert rebuilt == original


def test_from_environ_accepts_overrides_and_sparse_environs() -> None:
    builder = EnvironBuilder.from_environ({"SERVER_NAME": "s"}, method="DELETE")
    environ = builder.get_environ()
    assert (environ["HTTP_HOST"], environ["REQUEST_METHOD"]) == ("s", "DELETE")


def test_close_closes_files_once() -> None:
    stream = io.BytesIO(b"x")
    builder = EnvironBuilder(data={"f": (stream, "f.txt")})
    builder.close()
    assert stream.closed
    builder.close()
    assert builder.closed


# -- multipart -------------------------------------------------------------------


def parse_with_werkzeug(environ: dict[str, t.Any]) -> tuple[dict[str, t.Any], ...]:
    from werkzeug.wrappers import Request as WerkzeugRequest

    with WerkzeugRequest(environ) as request:
        form = {k: request.form.getlist(k) for k in request.form}
        files = {
            k: [
                (f.filename, f.content_type, f.read()) for f in request.files.getlist(k)
            ]
            for k in request.files
        }
    return form, files


def test_multipart_body_parses_back_with_werkzeug() -> None:
    environ = create_environ(
        method="POST",
        data={
            "a": ["1", "2"],
            "n": 5,
            "u": "é",
            "t": (io.BytesIO(b"data"), "t.txt"),
            "p": (io.BytesIO(b"\x89PNG"), "img.png", "image/png"),
            "raw": io.BytesIO(b"no name"),
            "fs": FileStorage(io.BytesIO(b"{}"), "x.json"),
        },
    )
    assert environ["CONTENT_TYPE"].startswith('multipart/form-data; boundary="')
    form, files = parse_with_werkzeug(environ)
    # A file part without a file name is a plain field to a parser.
    assert form == {"a": ["1", "2"], "n": ["5"], "u": ["é"], "raw": ["no name"]}
    assert files == {
        "t": [("t.txt", "text/plain", b"data")],
        "p": [("img.png", "image/png", b"\x89PNG")],
        "fs": [("x.json", "application/json", b"{}")],
    }


def test_encode_multipart_matches_werkzeug_bytes() -> None:
    from werkzeug.test import encode_multipart as werkzeug_encode

    values = MultiDict([("a", "1"), ("a", "2"), ("b", "ü")])
    assert encode_multipart(values, boundary="BB") == werkzeug_encode(
        {"a": ["1", "2"], "b": "ü"}, boundary="BB"
    )


def test_file_part_headers_and_explicit_content_type() -> None:
    storage = FileStorage(
        io.BytesIO(b"x"), "f.bin", headers=Headers({"X-Extra": "1"}), content_type="a/b"
    )
    _boundary, body = encode_multipart({"f": storage}, boundary="B")
    head = body.split(b"\r\n\r\n", 1)[0]
    assert b'name="f"; filename="f.bin"' in head
    assert b"X-Extra: 1" in head
    assert head.count(b"Content-Type") == 1
    assert b"Content-Type: a/b" in head


def test_real_file_uses_its_name(tmp_path: t.Any) -> None:
    path = tmp_path / "up.txt"
    path.write_bytes(b"content")
    with open(path, "rb") as f:
        _boundary, body = encode_multipart({"f": f}, boundary="B")
    assert f'filename="{path}"'.encode() in body
    assert b"Content-Type: text/plain" in body
    with open(path, "rb") as f:
        assert b"filename" not in encode_multipart({"f": Pseudo(f)}, boundary="B")[1]


class Pseudo:
    name = "<stdin>"

    def __init__(self, stream: t.IO[bytes]) -> None:
        self.read = stream.read


def test_text_stream_and_bytes_values() -> None:
    _b, body = encode_multipart({"s": io.StringIO("text"), "b": b"\xff"}, boundary="B")
    assert b"\r\n\r\ntext\r\n" in body
    assert b"\r\n\r\n\xff\r\n" in body


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ('a"b', b'name="a%22b"'),
        ("a\r\nX-Injected: 1", b'name="a%0D%0AX-Injected: 1"'),
        ("line\nfeed", b'name="line%0Afeed"'),
    ],
)
def test_hostile_field_names_cannot_break_the_header(name: str, escaped: bytes) -> None:
    _b, body = encode_multipart({name: "v", "f": (io.BytesIO(b""), name)}, boundary="B")
    assert escaped in body
    assert b"\r\nX-Injected" not in body


def test_stream_encode_multipart_spools_large_bodies() -> None:
    big = b"x" * (2 * 1024 * 1024)
    stream, length, boundary = stream_encode_multipart(
        {"f": FileStorage(io.BytesIO(big), "big.bin")}, threshold=1024
    )
    data = stream.read()
    assert length == len(data)
    assert data.count(big) == 1
    assert data.endswith(f"--{boundary}--\r\n".encode())
    assert not isinstance(stream, io.BytesIO)
    stream.close()


def test_generated_boundaries_are_unique() -> None:
    assert encode_multipart({})[0] != encode_multipart({})[0]


# -- hostile input ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/\x00nul",
        "/%00%ff%fe",
        "/" + "é" * 10_000,
        "/" + "%" * 100_000,
        "/" + "a/" * 200_000,
        "/\r\nX: y",
    ],
)
def test_hostile_paths_build_an_environ(path: str) -> None:
    environ = create_environ(path)
    environ["PATH_INFO"].encode("latin-1")  # PEP 3333: latin-1 text only


def test_megabytes_of_form_data_encode_quickly() -> None:
    fields = MultiDict([(f"k{i}", "v&=" * 10) for i in range(50_000)])
    environ = create_environ(method="POST", data=fields)
    assert int(environ["CONTENT_LENGTH"]) > 1_000_000
