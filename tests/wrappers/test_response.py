"""Tests for erlen.wrappers.response: status, headers, body and the WSGI call."""

from __future__ import annotations

import inspect
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from http import HTTPStatus

import pytest

from erlen import Erlen
from erlen.datastructures import Headers
from erlen.wrappers import Response


def send(
    response: Response, method: str = "GET"
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Run ``response`` as a WSGI app and return status, headers and body."""
    captured: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: t.Any = None
    ) -> t.Callable[[bytes], object]:
        captured.append((status, headers))
        return lambda data: None

    body_iter = response({"REQUEST_METHOD": method}, start_response)
    body = b"".join(body_iter)
    close = getattr(body_iter, "close", None)
    if close is not None:
        close()
    return captured[0][0], list(captured[0][1]), body


@pytest.mark.parametrize(
    ("args", "status", "body", "headers"),
    [
        (
            (),
            "200 OK",
            b"",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "0")],
        ),
        (
            ("hé",),
            "200 OK",
            "hé".encode(),
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "3")],
        ),
        (
            (b"hi",),
            "200 OK",
            b"hi",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "2")],
        ),
        (
            (bytearray(b"hi"),),
            "200 OK",
            b"hi",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "2")],
        ),
        (
            (["a", b"b"],),
            "200 OK",
            b"ab",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "2")],
        ),
    ],
)
def test_constructor_bodies(
    args: tuple[t.Any, ...], status: str, body: bytes, headers: list[tuple[str, str]]
) -> None:
    assert send(Response(*args)) == (status, headers, body)


@pytest.mark.parametrize(
    ("status", "code", "line"),
    [
        (None, 200, "200 OK"),
        (404, 404, "404 NOT FOUND"),
        (HTTPStatus.CREATED, 201, "201 CREATED"),
        ("200", 200, "200 OK"),
        ("299 Custom", 299, "299 Custom"),
        ("404 not found", 404, "404 not found"),
        (599, 599, "599 UNKNOWN"),
        ("abc", 0, "0 abc"),
    ],
)
def test_status_forms(status: t.Any, code: int, line: str) -> None:
    response = Response("x", status=status)
    assert (response.status_code, response.status) == (code, line)


@pytest.mark.parametrize("status", ["", 42.0, None])
def test_invalid_status_assignment(status: t.Any) -> None:
    response = Response()
    with pytest.raises((ValueError, TypeError)):
        response.status = status


def test_status_setters() -> None:
    response = Response()
    response.status_code = 418
    assert response.status == "418 I'M A TEAPOT"
    response.status = "420 Enhance"
    assert response.status_code == 420
    response.status = HTTPStatus.NO_CONTENT
    assert response.status == "204 NO CONTENT"


@pytest.mark.parametrize(
    ("kwargs", "content_type"),
    [
        ({}, "text/html; charset=utf-8"),
        ({"mimetype": "text/plain"}, "text/plain; charset=utf-8"),
        ({"mimetype": "application/json"}, "application/json"),
        ({"mimetype": "application/xml"}, "application/xml; charset=utf-8"),
        ({"mimetype": "image/png"}, "image/png"),
        ({"content_type": "text/plain"}, "text/plain"),
        ({"content_type": "a/b", "mimetype": "c/d"}, "a/b"),
        ({"headers": {"Content-Type": "text/xml"}}, "text/xml"),
        ({"headers": Headers([("Content-Type", "x/y")])}, "x/y"),
        (
            {"headers": [("X-A", "1")], "mimetype": "text/csv"},
            "text/csv; charset=utf-8",
        ),
    ],
)
def test_content_type_rule(kwargs: dict[str, t.Any], content_type: str) -> None:
    assert Response("x", **kwargs).headers["Content-Type"] == content_type


def test_headers_object_is_used_as_given_and_multi_values_kept() -> None:
    headers = Headers([("X-A", "1"), ("X-A", "2")])
    response = Response("x", headers=headers)
    assert response.headers is headers
    assert response.headers.getlist("X-A") == ["1", "2"]


def test_mimetype_properties() -> None:
    response = Response("x", mimetype="text/plain")
    assert response.mimetype == "text/plain"
    assert response.mimetype_params == {"charset": "utf-8"}
    response.mimetype_params["charset"] = "latin-1"
    assert response.headers["Content-Type"] == "text/plain; charset=latin-1"
    response.mimetype = "application/json"
    assert response.content_type == "application/json"
    response.content_type = None
    assert [response.mimetype] == [None]
    assert "Content-Type" not in response.headers


def test_data_get_set() -> None:
    response = Response()
    response.data = "héllo"
    assert response.data == "héllo".encode()
    assert response.get_data(as_text=True) == "héllo"
    assert response.content_length == 6
    response.set_data(b"ab")
    assert response.headers["Content-Length"] == "2"


def test_streaming_body_is_buffered_by_get_data() -> None:
    closed: list[bool] = []

    def gen() -> t.Iterator[str | bytes]:
        try:
            yield "a"
            yield b"b"
        finally:
            closed.append(True)

    response = Response(t.cast(t.Any, gen()))
    assert [response.is_streamed, response.is_sequence] == [True, False]
    assert repr(response) == "<Response streamed [200 OK]>"
    assert response.get_data() == b"ab"
    assert response.is_sequence
    assert repr(response) == "<Response 2 bytes [200 OK]>"
    response.close()
    assert closed == [True]


def test_likely_streamed_repr_and_calculate_length() -> None:
    response = Response(iter([b"a"]))
    assert response.calculate_content_length() == 1
    passthrough = Response(iter([b"a"]), direct_passthrough=True)
    assert passthrough.calculate_content_length() is None
    sized = Response({b"a"})
    assert not sized.is_streamed
    assert repr(sized) == "<Response likely-streamed [200 OK]>"


def test_implicit_sequence_conversion_can_be_disabled() -> None:
    class Strict(Response):
        implicit_sequence_conversion = False

    response = Strict(iter([b"a"]))
    with pytest.raises(RuntimeError, match="make_sequence"):
        response.get_data()
    response.make_sequence()
    assert response.get_data() == b"a"


def test_direct_passthrough_returns_the_body_unchanged() -> None:
    body = iter([b"raw"])
    response = Response(body, direct_passthrough=True)
    app_iter = response.get_app_iter({"REQUEST_METHOD": "GET"})
    assert app_iter is body
    with pytest.raises(RuntimeError, match="direct passthrough"):
        response.get_data()


def test_iter_encoded_and_freeze() -> None:
    response = Response(iter(t.cast(t.Any, ["é", b"x"])))
    assert list(response.iter_encoded()) == ["é".encode(), b"x"]
    response = Response(iter(t.cast(t.Any, ["é", b"x"])))
    response.freeze()
    assert response.response == ["é".encode(), b"x"]
    assert response.headers["Content-Length"] == "3"


def test_make_sequence_mutable_conversion() -> None:
    response = Response(("a", "b"))
    assert response.is_sequence
    response._ensure_sequence(mutable=True)
    assert response.response == [b"a", b"b"]


@pytest.mark.parametrize(
    ("status", "method", "body", "has_length"),
    [
        (200, "HEAD", b"", True),
        (204, "GET", b"", False),
        (304, "GET", b"", True),
        (101, "GET", b"", False),
        (100, "GET", b"", False),
        (404, "GET", b"body", True),
    ],
)
def test_bodyless_statuses_and_head(
    status: int, method: str, body: bytes, has_length: bool
) -> None:
    response = Response(b"body", status=status)
    _, headers, sent = send(response, method)
    assert sent == body
    names = [name for name, _ in headers]
    assert ("Content-Length" in names) is (has_length and status != 304)


def test_304_drops_entity_headers_but_keeps_others() -> None:
    response = Response(
        b"x",
        status=304,
        headers={
            "ETag": '"a"',
            "Content-Language": "en",
            "Expires": "x",
            "Allow": "GET",
        },
    )
    _, headers, _ = send(response)
    assert sorted(headers) == [("ETag", '"a"'), ("Expires", "x")]


def test_content_length_computed_for_sequences_at_send_time() -> None:
    response = Response(t.cast(t.Any, [b"ab", "cé"]))
    assert "Content-Length" not in response.headers
    _, headers, body = send(response)
    assert ("Content-Length", "5") in headers
    assert body == "abcé".encode()
    streamed = Response(iter([b"ab"]))
    assert "Content-Length" not in dict(send(streamed)[1])


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("status", [200, 204, 304])
@pytest.mark.parametrize("body", ["text", "list", "generator"])
def test_call_on_close_runs_on_every_path(method: str, status: int, body: str) -> None:
    calls: list[str] = []

    def gen() -> t.Iterator[bytes]:
        try:
            yield b"x"
        finally:
            calls.append("body")

    content: t.Any = {"text": "x", "list": [b"x"], "generator": gen()}[body]
    response = Response(content, status=status)

    @response.call_on_close
    def closed() -> None:
        calls.append("callback")

    sent = send(response, method)[2]
    assert "callback" in calls
    # a generator that was never started has nothing to clean up
    assert ("body" in calls) is (body == "generator" and sent == b"x")


def test_context_manager_closes() -> None:
    calls: list[bool] = []
    with Response("x") as response:
        response.call_on_close(lambda: calls.append(True))
    assert calls == [True]


def test_fast_path_sends_the_header_list_and_body_as_is() -> None:
    response = Response("hello")
    _, headers, body = send(response)
    assert body == b"hello"
    assert headers == response.headers._list


def test_get_wsgi_response() -> None:
    response = Response("x", status=201)
    app_iter, status, headers = response.get_wsgi_response({"REQUEST_METHOD": "GET"})
    assert status == "201 CREATED"
    assert list(app_iter) == [b"x"]
    assert ("Content-Length", "1") in headers


# -- cookies ---------------------------------------------------------------------


def test_set_cookie_all_attributes() -> None:
    response = Response()
    response.set_cookie(
        "k",
        "v",
        max_age=10,
        expires=datetime(2030, 1, 1, tzinfo=timezone.utc),
        path="/p",
        domain="example.com",
        secure=True,
        httponly=True,
        samesite="Lax",
        partitioned=True,
    )
    assert response.headers["Set-Cookie"] == (
        "k=v; Domain=example.com; Expires=Tue, 01 Jan 2030 00:00:00 GMT;"
        " Max-Age=10; Secure; HttpOnly; Path=/p; SameSite=Lax; Partitioned"
    )


def test_delete_cookie() -> None:
    response = Response()
    response.delete_cookie("k", domain="a.com", secure=True, samesite="None")
    assert response.headers["Set-Cookie"] == (
        "k=; Domain=a.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0;"
        " Secure; Path=/; SameSite=None"
    )


def test_set_cookie_timedelta_and_multiple() -> None:
    response = Response()
    response.set_cookie("a", "1", max_age=timedelta(hours=1))
    response.set_cookie("b", "2", path=None)
    cookies = response.headers.getlist("Set-Cookie")
    assert "Max-Age=3600" in cookies[0]
    assert cookies[1] == "b=2"


def test_max_cookie_size_from_app_config(app: Erlen) -> None:
    assert Response().max_cookie_size == 4093
    app.config["MAX_COOKIE_SIZE"] = 10
    with app.app_context():
        response = Response()
        assert response.max_cookie_size == 10
        with pytest.warns(UserWarning, match="too large"):
            response.set_cookie("k", "v" * 20)
        app.config["MAX_COOKIE_SIZE"] = 0
        response.set_cookie("k", "v" * 5000)


# -- header properties ------------------------------------------------------------


def test_set_headers_write_back() -> None:
    response = Response()
    response.vary.add("Accept")
    response.vary.add("Cookie")
    assert response.headers["Vary"] == "Accept, Cookie"
    response.vary.clear()
    assert "Vary" not in response.headers
    response.vary = ["a", "b"]
    assert response.headers["Vary"] == "a, b"
    response.vary = "X"
    assert response.headers["Vary"] == "X"
    response.vary = None
    assert "Vary" not in response.headers
    response.allow.update(["GET", "POST"])
    assert response.headers["Allow"] == "GET, POST"
    response.allow = ["PUT"]
    assert set(response.allow) == {"PUT"}
    response.content_language.add("en")
    assert response.headers["Content-Language"] == "en"
    response.content_language = ["de"]
    assert response.headers["Content-Language"] == "de"


def test_cache_control_write_back() -> None:
    response = Response()
    response.cache_control.max_age = 5
    assert response.headers["Cache-Control"] == "max-age=5"
    response.cache_control.no_cache = True
    assert "no-cache" in response.headers["Cache-Control"]
    fresh = Response()
    fresh.cache_control.max_age = 5
    cache_control = fresh.cache_control
    cache_control.max_age = None
    assert "Cache-Control" not in fresh.headers


def test_content_range_write_back() -> None:
    response = Response()
    assert response.content_range.units is None
    response.content_range.set(0, 2, 10)
    assert response.headers["Content-Range"] == "bytes 0-1/10"
    assert response.content_range.stop == 2
    response.content_range.unset()
    assert "Content-Range" not in response.headers
    response.content_range = "bytes 0-1/5"
    assert response.content_range.length == 5
    response.content_range = None
    assert "Content-Range" not in response.headers


def test_www_authenticate_write_back() -> None:
    response = Response()
    challenge = response.www_authenticate
    assert challenge.type == "basic"
    challenge["realm"] = "x"
    assert response.headers["WWW-Authenticate"] == "Basic realm=x"
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    assert response.www_authenticate.type == "bearer"


def test_accept_ranges() -> None:
    response = Response()
    assert response.accept_ranges is None
    response.accept_ranges = "bytes"
    assert response.headers["Accept-Ranges"] == "bytes"
    response.accept_ranges = None
    assert "Accept-Ranges" not in response.headers


@pytest.mark.parametrize(
    ("name", "value", "header", "read_back"),
    [
        ("location", "/x", "/x", "/x"),
        ("age", timedelta(seconds=30), "30", timedelta(seconds=30)),
        ("age", 30, "30", timedelta(seconds=30)),
        ("content_length", 7, "7", 7),
        (
            "expires",
            datetime(2020, 1, 1, tzinfo=timezone.utc),
            "Wed, 01 Jan 2020 00:00:00 GMT",
            datetime(2020, 1, 1, tzinfo=timezone.utc),
        ),
        (
            "last_modified",
            0,
            "Thu, 01 Jan 1970 00:00:00 GMT",
            datetime(1970, 1, 1, tzinfo=timezone.utc),
        ),
        (
            "date",
            "Wed, 01 Jan 2020 00:00:00 GMT",
            "Wed, 01 Jan 2020 00:00:00 GMT",
            datetime(2020, 1, 1, tzinfo=timezone.utc),
        ),
        ("content_encoding", "gzip", "gzip", "gzip"),
        ("content_location", "/c", "/c", "/c"),
        ("content_md5", "m", "m", "m"),
        ("access_control_allow_origin", "*", "*", "*"),
    ],
)
def test_header_properties(
    name: str, value: t.Any, header: str, read_back: t.Any
) -> None:
    response = Response(mimetype="text/plain")
    assert getattr(response, name) is None
    setattr(response, name, value)
    header_name = inspect.getattr_static(type(response), name).header
    assert response.headers[header_name] == header
    assert getattr(response, name) == read_back
    setattr(response, name, None)
    assert header_name not in response.headers


def test_invalid_header_values_read_as_none() -> None:
    response = Response(headers={"Age": "abc", "Content-Length": "-1", "Date": "x"})
    assert response.age is None
    assert response.content_length is None
    assert response.date is None


# -- JSON --------------------------------------------------------------------------


def test_json() -> None:
    response = Response('{"a": 1}', mimetype="application/json")
    assert response.is_json
    assert response.json == {"a": 1}
    html = Response("[1]")
    assert not html.is_json
    assert html.json is None
    assert html.get_json(force=True) == [1]
    problem = Response('"x"', mimetype="application/problem+json")
    assert problem.get_json() == "x"
    bad = Response("{", mimetype="application/json")
    assert bad.get_json(silent=True) is None
    with pytest.raises(ValueError):
        bad.get_json()
    assert not Response(content_type="").is_json


def test_json_uses_app_provider(app: Erlen) -> None:
    with app.app_context():
        assert Response("[1]", mimetype="application/json").json == [1]


# -- conversion ----------------------------------------------------------------


def test_force_type_switches_class() -> None:
    class Mine(Response):
        pass

    response = Response("x")
    assert Mine.force_type(response) is response
    assert type(response) is Mine


def test_force_type_and_from_app_run_wsgi_apps() -> None:
    def app(environ: t.Any, start_response: t.Any) -> list[bytes]:
        start_response("201 CREATED", [("X-A", "1")])
        return [b"from ", b"app"]

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "x"}
    forced = Response.force_type(app, environ)
    assert (forced.status_code, forced.get_data()) == (201, b"from app")
    assert forced.headers["X-A"] == "1"
    from_app = Response.from_app(app, environ, buffered=True)
    assert from_app.get_data() == b"from app"
    with pytest.raises(TypeError, match="environ"):
        Response.force_type(app)


def test_huge_body_and_many_headers_finish() -> None:
    response = Response(iter([b"x" * 1024] * 4096))
    for index in range(5_000):
        response.headers.add("X-H", str(index))
    _, headers, body = send(response)
    assert len(body) == 4 * 1024 * 1024
    assert len(headers) == 5_001


def test_freeze_adds_etag() -> None:
    r = Response("body")
    r.freeze()
    assert r.headers["ETag"] == '"02083f4579e08a612425c0c1a17ee47add783b94"'


def test_cache_control_false_removes_directive() -> None:
    r = Response()
    cc = r.cache_control
    cc.no_cache = True
    assert r.headers["Cache-Control"] == "no-cache"
    cc.no_cache = False
    assert "Cache-Control" not in r.headers


def test_text_body_with_direct_passthrough_keeps_the_flag() -> None:
    response = Response("abc", direct_passthrough=True)
    assert response.direct_passthrough
    assert response.headers["Content-Length"] == "3"
    assert list(response.get_app_iter({"REQUEST_METHOD": "GET"})) == [b"abc"]
    assert not Response("abc").direct_passthrough


def test_call_on_close_keeps_every_function_in_order() -> None:
    response = Response("x")
    calls: list[int] = []
    response.call_on_close(lambda: calls.append(1))
    response.call_on_close(lambda: calls.append(2))
    response.close()
    assert calls == [1, 2]
