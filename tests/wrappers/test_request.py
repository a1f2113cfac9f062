"""Tests for erlen.wrappers.request: every Request property, lazily parsed once."""

from __future__ import annotations

import io
import typing as t
from datetime import datetime
from datetime import timezone

import pytest

from erlen import Blueprint
from erlen import Erlen
from erlen import exceptions
from erlen import request as current_request
from erlen.datastructures import Accept
from erlen.datastructures import LanguageAccept
from erlen.datastructures import MIMEAccept
from erlen.http.errors import HeaderTooLargeError
from erlen.http.errors import LimitExceededError
from erlen.http.errors import MalformedError
from erlen.http.errors import RangeNotSatisfiableError
from erlen.wrappers import Request
from erlen.wrappers.request import host_is_trusted
from erlen.wrappers.request import http_error_for


def make_environ(**extra: t.Any) -> dict[str, t.Any]:
    """A minimal GET / environ with ``extra`` keys on top."""
    environ: dict[str, t.Any] = {
        "REQUEST_METHOD": "GET",
        "wsgi.url_scheme": "http",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "wsgi.input": io.BytesIO(b""),
    }
    environ.update(extra)
    return environ


def body_environ(
    body: bytes, content_type: str = "", **extra: t.Any
) -> dict[str, t.Any]:
    """A POST environ with ``body`` and its length."""
    fields = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    return make_environ(**{**fields, **extra})


# -- construction ------------------------------------------------------------------


def test_init_stores_environ_and_populates_it() -> None:
    environ = make_environ()
    request = Request(environ)
    assert request.environ is environ
    assert environ["erlen.request"] is request
    assert request.__dict__.keys() == {"environ"}
    assert not request.shallow


@pytest.mark.parametrize(
    ("populate", "shallow"), [(False, False), (True, True), (False, True)]
)
def test_init_without_populating(populate: bool, shallow: bool) -> None:
    environ = make_environ()
    request = Request(environ, populate_request=populate, shallow=shallow)
    assert "erlen.request" not in environ
    assert request.shallow is shallow


def test_shallow_request_refuses_to_read_the_body() -> None:
    request = Request(make_environ(), shallow=True)
    with pytest.raises(RuntimeError, match="shallow"):
        request.get_data()


def test_repr() -> None:
    assert repr(Request(make_environ(QUERY_STRING="a=1"))) == (
        "<Request 'http://localhost/?a=1' [GET]>"
    )


def test_repr_of_broken_environ() -> None:
    request = Request({"REQUEST_METHOD": "PUT", "QUERY_STRING": 5})
    assert repr(request) == "<Request '(invalid URL)' [PUT]>"


def test_from_values_builds_a_request() -> None:
    request = Request.from_values("/p?x=1", method="POST", data=b"body")
    assert isinstance(request, Request)
    assert request.method == "POST"
    assert request.args["x"] == "1"
    assert request.get_data() == b"body"


# -- request line ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "method", "scheme", "secure"),
    [
        ({}, "GET", "http", False),
        ({"REQUEST_METHOD": "post"}, "POST", "http", False),
        ({"wsgi.url_scheme": "https"}, "GET", "https", True),
        ({"wsgi.url_scheme": "wss"}, "GET", "wss", True),
        ({"wsgi.url_scheme": "ws"}, "GET", "ws", False),
    ],
)
def test_method_scheme_is_secure(
    environ: dict[str, t.Any], method: str, scheme: str, secure: bool
) -> None:
    request = Request(make_environ(**environ))
    assert (request.method, request.scheme, request.is_secure) == (
        method,
        scheme,
        secure,
    )


def test_method_defaults_to_get_without_environ_key() -> None:
    assert Request({}).method == "GET"
    assert Request({}).scheme == "http"


@pytest.mark.parametrize(
    ("environ", "host"),
    [
        ({"HTTP_HOST": "example.com:80"}, "example.com"),
        ({"HTTP_HOST": "example.com:8080"}, "example.com:8080"),
        ({"HTTP_HOST": "[::1]:443", "wsgi.url_scheme": "https"}, "[::1]"),
        ({"SERVER_NAME": "::1", "SERVER_PORT": "81"}, "[::1]:81"),
        ({"HTTP_HOST": "bad host"}, ""),
    ],
)
def test_host(environ: dict[str, t.Any], host: str) -> None:
    assert Request(make_environ(**environ)).host == host


@pytest.mark.parametrize(
    ("host", "trusted", "ok"),
    [
        ("example.com", ["example.com"], True),
        ("example.com:8080", ["example.com"], True),
        ("EXAMPLE.com", ["example.COM"], True),
        ("sub.example.com", [".example.com"], True),
        ("example.com", [".example.com"], True),
        ("badexample.com", [".example.com"], False),
        ("evil.com", ["example.com"], False),
        ("[::1]:5000", ["[::1]"], True),
        ("[::1]", ["[::2]"], False),
        ("example.com", ["example.com:9999"], True),
        ("", ["example.com"], False),
    ],
)
def test_host_is_trusted(host: str, trusted: list[str], ok: bool) -> None:
    assert host_is_trusted(host, trusted) is ok


def test_untrusted_host_raises_security_error() -> None:
    request = Request(make_environ(HTTP_HOST="evil.com"))
    request.trusted_hosts = ["example.com"]
    with pytest.raises(exceptions.SecurityError) as info:
        request.host  # noqa: B018 - the property raises
    assert info.value.code == 400
    assert "evil.com" in str(info.value.description)


def test_trusted_hosts_config_gives_400(app: Erlen) -> None:
    app.config["TRUSTED_HOSTS"] = ["example.com", ".example.org"]

    @app.route("/")
    def index() -> str:
        return current_request.host

    client = app.test_client()
    assert client.get("/", headers={"Host": "evil.com"}).status_code == 400
    assert client.get("/", headers={"Host": "a.example.org"}).text == "a.example.org"
    assert client.get("/", headers={"Host": "example.com:81"}).text == (
        "example.com:81"
    )


# -- paths and URLs ----------------------------------------------------------------


URL_TABLE = [
    # (environ, path, full_path, root_path, url, base_url, url_root, host_url)
    (
        {},
        "/",
        "/?",
        "",
        "http://localhost/",
        "http://localhost/",
        "http://localhost/",
        "http://localhost/",
    ),
    (
        {"SCRIPT_NAME": "/app/", "PATH_INFO": "/x y", "QUERY_STRING": "a=1&b"},
        "/x y",
        "/x y?a=1&b",
        "/app",
        "http://localhost/app/x%20y?a=1&b",
        "http://localhost/app/x%20y",
        "http://localhost/app/",
        "http://localhost/",
    ),
    (
        {"PATH_INFO": "", "HTTP_HOST": "h:8080", "wsgi.url_scheme": "https"},
        "/",
        "/?",
        "",
        "https://h:8080/",
        "https://h:8080/",
        "https://h:8080/",
        "https://h:8080/",
    ),
    (
        {
            "SCRIPT_NAME": "/\xc3\xa9",
            "PATH_INFO": "/\xc3\xa9t\xc3\xa9",
            "QUERY_STRING": "q=\xc3\xa9",
        },
        "/été",
        "/été?q=é",
        "/é",
        "http://localhost/é/été?q=é",
        "http://localhost/é/été",
        "http://localhost/é/",
        "http://localhost/",
    ),
    (
        {"PATH_INFO": "/a?b#c", "QUERY_STRING": "x=#"},
        "/a?b#c",
        "/a?b#c?x=#",
        "",
        "http://localhost/a%3Fb%23c?x=%23",
        "http://localhost/a%3Fb%23c",
        "http://localhost/",
        "http://localhost/",
    ),
    (
        {"PATH_INFO": "/%41%2F", "QUERY_STRING": "a=%2F%20"},
        "/%41%2F",
        "/%41%2F?a=%2F%20",
        "",
        "http://localhost/A%2F?a=/%20",
        "http://localhost/A%2F",
        "http://localhost/",
        "http://localhost/",
    ),
    (
        {"HTTP_HOST": "xn--n3h.com"},
        "/",
        "/?",
        "",
        "http://☃.com/",
        "http://☃.com/",
        "http://☃.com/",
        "http://☃.com/",
    ),
    (
        {"PATH_INFO": "//double", "QUERY_STRING": "\xff"},
        "/double",
        "/double?\ufffd",
        "",
        "http://localhost/double?%FF",
        "http://localhost/double",
        "http://localhost/",
        "http://localhost/",
    ),
    (
        {"PATH_INFO": "/a\x00b\x7f"},
        "/a\x00b\x7f",
        "/a\x00b\x7f?",
        "",
        "http://localhost/a%00b%7F",
        "http://localhost/a%00b%7F",
        "http://localhost/",
        "http://localhost/",
    ),
]


@pytest.mark.parametrize(
    (
        "environ",
        "path",
        "full_path",
        "root_path",
        "url",
        "base_url",
        "url_root",
        "host_url",
    ),
    URL_TABLE,
)
def test_url_properties(
    environ: dict[str, t.Any],
    path: str,
    full_path: str,
    root_path: str,
    url: str,
    base_url: str,
    url_root: str,
    host_url: str,
) -> None:
    request = Request(make_environ(**environ))
    assert request.path == path
    assert request.full_path == full_path
    assert request.root_path == root_path
    assert request.script_root == root_path
    assert request.url == url
    assert request.base_url == base_url
    assert request.url_root == url_root
    assert request.host_url == host_url


def test_query_string_is_latin1_bytes() -> None:
    request = Request(make_environ(QUERY_STRING="a=\xc3\xa9"))
    assert request.query_string == b"a=\xc3\xa9"
    assert Request({}).query_string == b""


def test_url_properties_of_huge_path_finish() -> None:
    path = "/" + "a b%?" * 500_000
    request = Request(make_environ(PATH_INFO=path, QUERY_STRING="x= #" * 300_000))
    assert request.url.startswith("http://localhost/a%20b%%3Fa%20b%%3F")
    assert len(request.full_path) > 3_000_000


# -- args ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", []),
        ("a=1&a=2&b", [("a", "1"), ("a", "2"), ("b", "")]),
        ("a=%20b+c", [("a", " b c")]),
        ("q=\xc3\xa9", [("q", "é")]),
        ("q=\xff", [("q", "\ufffd")]),
        ("q=%ff", [("q", "%FF")]),
        ("&&=&x=", [("", ""), ("x", "")]),
    ],
)
def test_args(query: str, expected: list[tuple[str, str]]) -> None:
    args = Request(make_environ(QUERY_STRING=query)).args
    assert list(args.items(multi=True)) == expected


def test_args_is_immutable_and_cached() -> None:
    request = Request(make_environ(QUERY_STRING="a=1"))
    assert request.args is request.args
    with pytest.raises(TypeError):
        request.args["b"] = "2"


def test_args_pair_limit_is_414() -> None:
    query = "&".join(f"k{i}=v" for i in range(10_001))
    with pytest.raises(exceptions.RequestURITooLarge) as info:
        Request(make_environ(QUERY_STRING=query)).args  # noqa: B018
    assert info.value.code == 414


def test_args_custom_pair_limit() -> None:
    class Small(Request):
        max_query_pairs = 2

    assert len(Small(make_environ(QUERY_STRING="a&b")).args) == 2
    with pytest.raises(exceptions.RequestURITooLarge):
        Small(make_environ(QUERY_STRING="a&b&c")).args  # noqa: B018

    class Unlimited(Request):
        max_query_pairs = None

    assert len(Unlimited(make_environ(QUERY_STRING="&".join("a" * 20_000))).args) == 1


def test_args_pair_limit_through_the_app(app: Erlen) -> None:
    @app.route("/")
    def index() -> str:
        return str(len(current_request.args))

    client = app.test_client()
    assert client.get("/?" + "&".join(["a=1"] * 10_000)).text == "1"
    assert client.get("/?" + "&".join(["a=1"] * 10_001)).status_code == 414


# -- client, headers, cookies ---------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "remote_addr", "route"),
    [
        ({"REMOTE_ADDR": "1.2.3.4"}, "1.2.3.4", ["1.2.3.4"]),
        (
            {"REMOTE_ADDR": "1.2.3.4", "HTTP_X_FORWARDED_FOR": "5.6.7.8, 9.9.9.9"},
            "1.2.3.4",
            ["5.6.7.8", "9.9.9.9"],
        ),
        ({"HTTP_X_FORWARDED_FOR": " , a ,"}, None, ["a"]),
        ({}, None, []),
    ],
)
def test_remote_addr_and_access_route(
    environ: dict[str, t.Any], remote_addr: str | None, route: list[str]
) -> None:
    request = Request(make_environ(**environ))
    assert request.remote_addr == remote_addr
    assert request.access_route == route


def test_headers_are_read_from_the_environ() -> None:
    request = Request(
        make_environ(HTTP_X_THING="1", CONTENT_TYPE="text/plain", CONTENT_LENGTH="3")
    )
    assert request.headers["X-Thing"] == "1"
    assert request.headers["Content-Type"] == "text/plain"
    assert request.headers is request.headers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a=1; b=2; a=3", [("a", "1"), ("a", "3"), ("b", "2")]),
        ('a="x y"', [("a", "x y")]),
        ("", []),
        ("k=\xc3\xa9", [("k", "é")]),
    ],
)
def test_cookies(raw: str, expected: list[tuple[str, str]]) -> None:
    cookies = Request(make_environ(HTTP_COOKIE=raw)).cookies
    assert sorted(cookies.items(multi=True)) == sorted(expected)


def test_too_many_cookies_is_431() -> None:
    with pytest.raises(exceptions.RequestHeaderFieldsTooLarge):
        Request(make_environ(HTTP_COOKIE="a=b;" * 30_000)).cookies  # noqa: B018


def test_user_agent() -> None:
    request = Request(make_environ(HTTP_USER_AGENT="Mozilla/5.0"))
    assert request.user_agent.string == "Mozilla/5.0"
    assert str(Request({}).user_agent) == ""


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [
        ("referrer", "HTTP_REFERER", "http://x/"),
        ("origin", "HTTP_ORIGIN", "http://o"),
        ("content_encoding", "HTTP_CONTENT_ENCODING", "gzip"),
        ("content_md5", "HTTP_CONTENT_MD5", "abc"),
        ("content_type", "CONTENT_TYPE", "text/plain; charset=utf-8"),
    ],
)
def test_plain_header_properties(name: str, key: str, value: str) -> None:
    assert getattr(Request(make_environ(**{key: value})), name) == value
    assert getattr(Request({}), name) is None


def test_pragma_is_a_header_set_even_when_absent() -> None:
    pragma = Request(make_environ(HTTP_PRAGMA="no-cache, x")).pragma
    assert "no-cache" in pragma
    assert pragma.to_header() == "no-cache, x"
    assert not Request({}).pragma
    assert Request({}).pragma.to_header() == ""


@pytest.mark.parametrize("header", ["", " , ", "a, ,b", " 1.1.1.1 "])
def test_access_route_of_a_present_header_matches_werkzeug(header: str) -> None:
    from werkzeug.wrappers import Request as Reference

    environ = {"HTTP_X_FORWARDED_FOR": header, "REMOTE_ADDR": "9.9.9.9"}
    assert Request(dict(environ)).access_route == Reference(environ).access_route


# -- content type and length -----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "mimetype", "params", "is_json"),
    [
        ("", "", {}, False),
        ("text/plain; charset=UTF-8", "text/plain", {"charset": "UTF-8"}, False),
        ("APPLICATION/JSON", "application/json", {}, True),
        ("application/vnd.api+json", "application/vnd.api+json", {}, True),
        ("application/json-seq", "application/json-seq", {}, False),
        ("text/json", "text/json", {}, False),
        ('text/html; a="b;c"', "text/html", {"a": "b;c"}, False),
    ],
)
def test_mimetype(
    raw: str, mimetype: str, params: dict[str, str], is_json: bool
) -> None:
    request = Request(make_environ(CONTENT_TYPE=raw))
    assert request.mimetype == mimetype
    assert request.mimetype_params == params
    assert request.is_json is is_json


def test_huge_content_type_is_431() -> None:
    request = Request(make_environ(CONTENT_TYPE="text/plain;" + "a=b;" * 30_000))
    with pytest.raises(exceptions.RequestHeaderFieldsTooLarge):
        request.mimetype  # noqa: B018


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"CONTENT_LENGTH": "5"}, 5),
        ({"CONTENT_LENGTH": " 7 "}, 7),
        ({"CONTENT_LENGTH": ""}, 0),
        ({"CONTENT_LENGTH": "-1"}, 0),
        ({"CONTENT_LENGTH": "1e3"}, 0),
        ({"CONTENT_LENGTH": "0x10"}, 0),
        ({"CONTENT_LENGTH": "+5"}, 0),
        ({"CONTENT_LENGTH": "٣"}, 0),
        ({"CONTENT_LENGTH": "5\x00"}, 0),
        ({"CONTENT_LENGTH": "9" * 20}, 0),
        ({"CONTENT_LENGTH": "5", "HTTP_TRANSFER_ENCODING": "chunked"}, None),
        ({"CONTENT_LENGTH": "5", "HTTP_TRANSFER_ENCODING": "gzip"}, 5),
    ],
)
def test_content_length(environ: dict[str, t.Any], expected: int | None) -> None:
    """COMPAT: Werkzeug reports an invalid Content-Length as 0."""
    assert Request(make_environ(**environ)).content_length == expected


# -- negotiated and conditional headers -------------------------------------------


def test_accept_mimetypes_best_match() -> None:
    request = Request(
        make_environ(HTTP_ACCEPT="text/html;q=0.5, application/json, */*;q=0.1")
    )
    accept = request.accept_mimetypes
    assert isinstance(accept, MIMEAccept)
    assert accept.best_match(["text/html", "application/json"]) == "application/json"
    assert accept.best_match(["image/png"]) == "image/png"
    missing = Request({}).accept_mimetypes
    assert not missing
    assert missing.best_match(["a/b"]) is None
    assert missing.best_match(["a/b"], default="x/y") == "x/y"


def test_accept_languages_and_charsets_and_encodings() -> None:
    request = Request(
        make_environ(
            HTTP_ACCEPT_LANGUAGE="en-US,fr;q=0.5",
            HTTP_ACCEPT_CHARSET="utf-8, iso-8859-1;q=0.5",
            HTTP_ACCEPT_ENCODING="gzip, br;q=0.5, *;q=0",
        )
    )
    assert isinstance(request.accept_languages, LanguageAccept)
    assert request.accept_languages.best_match(["fr", "de"]) == "fr"
    assert request.accept_languages.best == "en-US"
    assert request.accept_charsets.best_match(["iso-8859-1", "utf-8"]) == "utf-8"
    assert type(request.accept_encodings) is Accept
    assert request.accept_encodings.best_match(["br", "gzip"]) == "gzip"
    assert request.accept_encodings["identity"] == 0


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("HTTP_ACCEPT", "accept_mimetypes"),
        ("HTTP_ACCEPT_LANGUAGE", "accept_languages"),
        ("HTTP_ACCEPT_CHARSET", "accept_charsets"),
        ("HTTP_ACCEPT_ENCODING", "accept_encodings"),
        ("HTTP_CACHE_CONTROL", "cache_control"),
    ],
)
def test_oversized_negotiation_header_is_431(key: str, name: str) -> None:
    request = Request(make_environ(**{key: "x," * 40_000}))
    with pytest.raises(exceptions.RequestHeaderFieldsTooLarge) as info:
        getattr(request, name)
    assert isinstance(info.value.__cause__, HeaderTooLargeError)


@pytest.mark.parametrize(
    ("header", "code"),
    [("Accept", 431), ("Cache-Control", 431), ("Accept-Language", 431)],
)
def test_oversized_header_through_the_app_is_not_a_500(
    app: Erlen, header: str, code: int
) -> None:
    """Werkzeug parses any size; erlen answers 431 past its 64 KiB header limit."""

    @app.route("/")
    def index() -> str:
        return repr(
            (
                current_request.accept_mimetypes.best_match(["text/html"]),
                current_request.cache_control.max_age,
                current_request.accept_languages.best,
            )
        )

    client = app.test_client()
    assert client.get("/", headers={header: "x" * 70_000}).status_code == code
    assert client.get("/", headers={header: "x" * 1_000}).status_code == 200


def test_cache_control() -> None:
    cache_control = Request(
        make_environ(HTTP_CACHE_CONTROL="no-cache, max-age=10, max-stale")
    ).cache_control
    assert cache_control.no_cache
    assert cache_control.max_age == 10
    assert cache_control.max_stale is True
    assert Request({}).cache_control.max_age is None


@pytest.mark.parametrize(
    ("raw", "contains", "missing", "star"),
    [
        ('"a", W/"b"', ["a"], ["b"], False),
        ("*", ["anything"], [], True),
        ("", [], ["a"], False),
        ("garbage", ["garbage"], ["a"], False),
    ],
)
def test_if_match_and_if_none_match(
    raw: str, contains: list[str], missing: list[str], star: bool
) -> None:
    request = Request(make_environ(HTTP_IF_MATCH=raw, HTTP_IF_NONE_MATCH=raw))
    for etags in (request.if_match, request.if_none_match):
        assert etags.star_tag is star
        for tag in contains:
            assert tag in etags
        for tag in missing:
            assert tag not in etags


def test_if_none_match_weak() -> None:
    etags = Request(make_environ(HTTP_IF_NONE_MATCH='W/"a"')).if_none_match
    assert etags.contains_weak("a")
    assert not etags.contains("a")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sun, 06 Nov 1994 08:49:37 GMT", datetime(1994, 11, 6, 8, 49, 37)),
        ("Sunday, 06-Nov-94 08:49:37 GMT", datetime(1994, 11, 6, 8, 49, 37)),
        ("garbage", None),
        ("", None),
        ("x" * 100_000, None),
    ],
)
def test_date_headers(raw: str, expected: datetime | None) -> None:
    request = Request(
        make_environ(
            HTTP_DATE=raw, HTTP_IF_MODIFIED_SINCE=raw, HTTP_IF_UNMODIFIED_SINCE=raw
        )
    )
    if expected is not None:
        expected = expected.replace(tzinfo=timezone.utc)
    assert request.date == expected
    assert request.if_modified_since == expected
    assert request.if_unmodified_since == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("bytes=0-499", ("bytes", [(0, 500)])),
        ("bytes=-5", ("bytes", [(-5, None)])),
        ("bytes=5-", ("bytes", [(5, None)])),
        ("bytes=1-2,4-5", ("bytes", [(1, 3), (4, 6)])),
        ("bytes=5-1", None),
        ("garbage", None),
        ("", None),
        ("bytes=" + "1-2," * 30_000, None),
    ],
)
def test_range(
    raw: str, expected: tuple[str, list[tuple[int, int | None]]] | None
) -> None:
    parsed = Request(make_environ(HTTP_RANGE=raw)).range
    if expected is None:
        assert parsed is None
    else:
        assert parsed is not None
        assert (parsed.units, list(parsed.ranges)) == expected


def test_if_range() -> None:
    by_etag = Request(make_environ(HTTP_IF_RANGE='"abc"')).if_range
    assert by_etag.etag == "abc"
    assert by_etag.date is None
    by_date = Request(
        make_environ(HTTP_IF_RANGE="Sun, 06 Nov 1994 08:49:37 GMT")
    ).if_range
    assert by_date.date == datetime(1994, 11, 6, 8, 49, 37, tzinfo=timezone.utc)
    empty = Request({}).if_range
    assert empty.etag is None and empty.date is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Basic dXNlcjpwYXNz", ("basic", "user", "pass", None)),
        ("Bearer tok", ("bearer", None, None, "tok")),
        ("Basic", ("basic", "", "", None)),
        ("Basic !!!", None),
        ("", None),
    ],
)
def test_authorization(
    raw: str, expected: tuple[str, str | None, str | None, str | None] | None
) -> None:
    auth = Request(make_environ(HTTP_AUTHORIZATION=raw)).authorization
    if expected is None:
        assert auth is None
    else:
        assert auth is not None
        assert (auth.type, auth.username, auth.password, auth.token) == expected


def test_properties_are_parsed_once() -> None:
    environ = make_environ(HTTP_ACCEPT="a/b")
    request = Request(environ)
    first = request.accept_mimetypes
    environ["HTTP_ACCEPT"] = "c/d"
    assert request.accept_mimetypes is first


# -- routing results ---------------------------------------------------------------


def test_endpoint_and_blueprints(app: Erlen) -> None:
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)

    @child.route("/c/<int:n>")
    def view(n: int) -> str:
        return repr(
            (
                current_request.endpoint,
                current_request.blueprint,
                current_request.blueprints,
                current_request.view_args,
                current_request.url_rule.rule if current_request.url_rule else None,
            )
        )

    @app.route("/")
    def index() -> str:
        return repr(
            (
                current_request.endpoint,
                current_request.blueprint,
                current_request.blueprints,
            )
        )

    parent.register_blueprint(child, url_prefix="/child")
    app.register_blueprint(parent, url_prefix="/p")
    client = app.test_client()
    assert client.get("/p/child/c/3").text == repr(
        (
            "parent.child.view",
            "parent.child",
            ["parent.child", "parent"],
            {"n": 3},
            "/p/child/c/<int:n>",
        )
    )
    assert client.get("/").text == repr(("index", None, []))


def test_endpoint_without_rule() -> None:
    request = Request({})
    assert request.endpoint is None
    assert request.blueprint is None
    assert request.blueprints == []


# -- limits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("max_content_length", "MAX_CONTENT_LENGTH"),
        ("max_form_memory_size", "MAX_FORM_MEMORY_SIZE"),
        ("max_form_parts", "MAX_FORM_PARTS"),
    ],
)
def test_limits_from_config_and_per_request(app: Erlen, name: str, key: str) -> None:
    request = Request({})
    assert getattr(request, name) is None
    app.config[key] = 123
    with app.app_context():
        assert getattr(request, name) == 123
        setattr(request, name, 7)
        assert getattr(request, name) == 7
    assert getattr(request, name) == 7


def test_max_content_length_from_config_gives_413(app: Erlen) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 4

    @app.route("/", methods=["POST"])
    def index() -> bytes:
        return current_request.get_data()  # type: ignore[return-value]

    client = app.test_client()
    assert client.post("/", data=b"abcd").data == b"abcd"
    assert client.post("/", data=b"abcde").status_code == 413


def test_max_content_length_per_request_override(app: Erlen) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100

    @app.route("/", methods=["POST"])
    def index() -> bytes:
        current_request.max_content_length = 2
        return current_request.get_data()  # type: ignore[return-value]

    assert app.test_client().post("/", data=b"abc").status_code == 413


# -- body -------------------------------------------------------------------------


def test_get_data_caches_and_decodes() -> None:
    request = Request(body_environ(b"h\xc3\xa9llo \xff"))
    assert request.get_data() == b"h\xc3\xa9llo \xff"
    assert request.get_data() == b"h\xc3\xa9llo \xff"
    assert request.get_data(as_text=True) == "héllo \ufffd"
    # COMPAT: as in Werkzeug, the stream stays consumed
    assert request.stream.read() == b""


def test_get_data_without_cache_reads_once() -> None:
    request = Request(body_environ(b"abc"))
    assert request.get_data(cache=False) == b"abc"
    assert request.get_data(cache=False) == b""


def test_data_parses_form_bodies_first() -> None:
    form = Request(body_environ(b"a=1&b=2", "application/x-www-form-urlencoded"))
    assert form.data == b""
    assert form.form.to_dict() == {"a": "1", "b": "2"}
    assert form.files.to_dict() == {}
    raw = Request(body_environ(b"a=1", "text/plain"))
    assert raw.data == b"a=1"
    assert raw.form.to_dict() == {}


def test_get_data_before_form_parses_the_kept_body() -> None:
    request = Request(body_environ(b"a=1", "application/x-www-form-urlencoded"))
    assert request.get_data() == b"a=1"
    assert request.form.to_dict() == {"a": "1"}
    assert request.get_data() == b"a=1"


def test_multipart_files_are_closed_with_the_request() -> None:
    body = (
        b"--b\r\nContent-Disposition: form-data; name=f; filename=a.txt\r\n"
        b"Content-Type: text/plain\r\n\r\ncontent\r\n--b--\r\n"
    )
    with Request(body_environ(body, "multipart/form-data; boundary=b")) as request:
        upload = request.files["f"]
        assert upload.read() == b"content"
    assert upload.stream.closed
    Request({}).close()


def test_values_combines_args_and_form_except_for_get() -> None:
    post = Request(
        body_environ(
            b"a=1&q=2", "application/x-www-form-urlencoded", QUERY_STRING="q=1"
        )
    )
    assert sorted(post.values.items(multi=True)) == [("a", "1"), ("q", "1"), ("q", "2")]
    get = Request(
        body_environ(
            b"a=1",
            "application/x-www-form-urlencoded",
            QUERY_STRING="q=1",
            REQUEST_METHOD="GET",
        )
    )
    assert list(get.values.items(multi=True)) == [("q", "1")]


def test_stream_is_bounded_by_content_length() -> None:
    environ = make_environ(CONTENT_LENGTH="3", **{"wsgi.input": io.BytesIO(b"hello")})
    request = Request(environ)
    assert request.stream.read() == b"hel"
    assert request.input_stream is environ["wsgi.input"]


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        (
            {"CONTENT_LENGTH": "4", "wsgi.input": io.BytesIO(b"he")},
            exceptions.ClientDisconnected,
        ),
        ({"CONTENT_LENGTH": "5"}, exceptions.RequestEntityTooLarge),
        ({"CONTENT_LENGTH": "-1"}, exceptions.BadRequest),
        ({"wsgi.input_terminated": True}, exceptions.RequestEntityTooLarge),
    ],
)
def test_stream_errors(extra: dict[str, t.Any], error: type[Exception]) -> None:
    request = Request(make_environ(**{"wsgi.input": io.BytesIO(b"hello"), **extra}))
    request.max_content_length = 4
    with pytest.raises(error):
        request.get_data()


def test_stream_without_length_is_empty() -> None:
    request = Request(make_environ(**{"wsgi.input": io.BytesIO(b"hello")}))
    assert request.get_data() == b""


# -- JSON --------------------------------------------------------------------------


def test_get_json() -> None:
    request = Request(body_environ(b'{"a": [1, "\xc3\xa9"]}', "application/json"))
    assert request.get_json() == {"a": [1, "é"]}
    assert request.json == {"a": [1, "é"]}
    assert request.get_json() is request.get_json()


def test_get_json_without_cache_keeps_nothing() -> None:
    request = Request(body_environ(b"[1]", "application/json"))
    assert request.get_json(cache=False) == [1]
    assert "_cached_json" not in request.__dict__
    assert "_cached_data" not in request.__dict__


@pytest.mark.parametrize(
    ("content_type", "body", "kwargs", "expected"),
    [
        ("text/plain", b"[1]", {"force": True}, [1]),
        ("text/plain", b"[1]", {"silent": True}, None),
        ("application/json", b"{bad", {"silent": True}, None),
        ("application/problem+json", b'"x"', {}, "x"),
    ],
)
def test_get_json_modes(
    content_type: str, body: bytes, kwargs: dict[str, bool], expected: t.Any
) -> None:
    request = Request(body_environ(body, content_type))
    assert request.get_json(**kwargs) == expected


def test_get_json_wrong_mimetype_is_415() -> None:
    request = Request(body_environ(b"{}", "text/plain"))
    with pytest.raises(exceptions.UnsupportedMediaType) as info:
        request.get_json()
    assert info.value.code == 415


@pytest.mark.parametrize("body", [b"{bad", b"\xff", b""])
def test_get_json_invalid_is_400(body: bytes) -> None:
    request = Request(body_environ(body, "application/json"))
    with pytest.raises(exceptions.BadRequest) as info:
        request.get_json()
    assert info.value.code == 400


@pytest.mark.parametrize(("debug", "shows"), [(True, True), (False, False)])
def test_get_json_error_message_only_in_debug(
    app: Erlen, debug: bool, shows: bool
) -> None:
    app.debug = debug

    @app.route("/", methods=["POST"])
    def index() -> str:
        return repr(current_request.get_json())

    rv = app.test_client().post("/", data=b"{bad", content_type="application/json")
    assert rv.status_code == 400
    assert ("Failed to decode JSON object" in rv.text) is shows


def test_get_json_uses_the_app_provider(app: Erlen) -> None:
    @app.route("/", methods=["POST"])
    def index() -> str:
        return repr((current_request.get_json(), current_request.get_json(silent=True)))

    client = app.test_client()
    assert client.post("/", json={"a": 1}).text == repr(({"a": 1}, {"a": 1}))
    assert client.post("/", data=b"{}", content_type="text/plain").status_code == 415


def test_on_json_loading_failed_can_be_overridden() -> None:
    class Lenient(Request):
        def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
            return {"error": e is not None}

    assert Lenient(body_environ(b"{", "application/json")).get_json() == {"error": True}
    assert Lenient(body_environ(b"{", "text/plain")).get_json() == {"error": False}


# -- http_error_for -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "cls", "code"),
    [
        (MalformedError("m"), exceptions.BadRequest, 400),
        (LimitExceededError("l"), exceptions.RequestEntityTooLarge, 413),
        (HeaderTooLargeError("h"), exceptions.RequestHeaderFieldsTooLarge, 431),
        (RangeNotSatisfiableError("r"), exceptions.RequestedRangeNotSatisfiable, 416),
        (MalformedError("x", status_hint=414), exceptions.RequestURITooLarge, 414),
        (MalformedError("x", status_hint=299), exceptions.BadRequest, 400),
    ],
)
def test_http_error_for(
    error: MalformedError, cls: type[exceptions.HTTPException], code: int
) -> None:
    converted = http_error_for(error)
    assert type(converted) is cls
    assert converted.code == code
    assert converted.description == str(error)


# -- hostile input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("HTTP_X_FORWARDED_FOR", "1.2.3.4," * 500_000),
        ("HTTP_USER_AGENT", "\x00\r\n" * 500_000),
        ("HTTP_AUTHORIZATION", "Basic " + "A" * 2_000_000),
        ("HTTP_IF_MATCH", '"a",' * 500_000),
        ("HTTP_REFERER", "\xff" * 1_000_000),
        ("QUERY_STRING", "a" * 3_000_000),
    ],
)
def test_hostile_headers_finish_without_500(key: str, value: str) -> None:
    request = Request(make_environ(**{key: value}))
    for name in (
        "access_route",
        "user_agent",
        "authorization",
        "if_match",
        "referrer",
        "args",
        "url",
    ):
        try:
            getattr(request, name)
        except exceptions.HTTPException as error:
            assert error.code is not None and 400 <= error.code < 500
