"""``Erlen.make_response``: every return type, every tuple form, every error."""

from __future__ import annotations

import collections.abc as cabc
import typing as t
from http import HTTPStatus

import pytest

from erlen import Erlen
from erlen import Response
from erlen import redirect
from erlen.datastructures import Headers
from erlen.exceptions import NotFound


def convert(app: Erlen, rv: t.Any) -> Response:
    with app.test_request_context():
        return app.make_response(rv)


def chunks() -> cabc.Iterator[str]:
    yield "a"
    yield "b"


@pytest.mark.parametrize(
    ("rv", "status", "body", "mimetype"),
    [
        ("text", 200, b"text", "text/html"),
        ("ünï", 200, "ünï".encode(), "text/html"),
        (b"raw", 200, b"raw", "text/html"),
        (bytearray(b"ba"), 200, b"ba", "text/html"),
        ({"a": 1}, 200, b'{"a":1}\n', "application/json"),
        ([1, 2], 200, b"[1,2]\n", "application/json"),
        (chunks(), 200, b"ab", "text/html"),
        (iter([b"x", b"y"]), 200, b"xy", "text/html"),
        (("text", 201), 201, b"text", "text/html"),
        (("text", "202 Custom Reason"), 202, b"text", "text/html"),
        (("text", HTTPStatus.NO_CONTENT), 204, b"text", "text/html"),
        (({"a": 1}, 400), 400, b'{"a":1}\n', "application/json"),
        (([1], 201, {"X": "1"}), 201, b"[1]\n", "application/json"),
        ((chunks(), 206), 206, b"ab", "text/html"),
        ((b"bytes", 203, [("X", "1")]), 203, b"bytes", "text/html"),
        (NotFound(), 404, None, "text/html"),
        ((NotFound(), 410), 410, None, "text/html"),
    ],
)
def test_return_values(
    app: Erlen, rv: t.Any, status: int, body: bytes | None, mimetype: str
) -> None:
    response = convert(app, rv)
    assert type(response) is app.response_class
    assert response.status_code == status
    assert response.mimetype == mimetype
    if body is not None:
        assert response.get_data() == body


def test_status_string_sets_the_reason(app: Erlen) -> None:
    assert convert(app, ("x", "299 Made Up")).status == "299 Made Up"
    assert convert(app, ("x", "299")).status == "299 UNKNOWN"
    assert convert(app, ({"a": 1}, "201 Yes")).status == "201 Yes"


@pytest.mark.parametrize(
    "headers",
    [
        {"X-A": "1", "X-B": "2"},
        [("X-A", "1"), ("X-B", "2")],
        (("X-A", "1"), ("X-B", "2")),
        Headers([("X-A", "1"), ("X-B", "2")]),
    ],
)
def test_header_forms(app: Erlen, headers: t.Any) -> None:
    for rv in [("body", headers), ("body", 201, headers), ({"k": 1}, headers)]:
        response = convert(app, rv)
        assert response.headers["X-A"] == "1"
        assert response.headers["X-B"] == "2"


def test_headers_extend_a_returned_response(app: Erlen) -> None:
    original = Response("r", headers={"X-Old": "1"})
    response = convert(app, (original, 404, {"X-New": "2"}))
    assert response is original
    assert response.status_code == 404
    assert (response.headers["X-Old"], response.headers["X-New"]) == ("1", "2")


def test_empty_headers_change_nothing(app: Erlen) -> None:
    response = convert(app, ("body", 200, {}))
    assert response.status_code == 200
    assert "X" not in response.headers


def test_response_subclass_and_foreign_response_are_coerced(app: Erlen) -> None:
    class Sub(Response):
        pass

    sub = Sub("sub")
    assert convert(app, sub) is sub

    class Custom(Response):
        pass

    app.response_class = Custom
    plain = Response("plain", 201)
    response = convert(app, plain)
    assert isinstance(response, Custom)
    assert response.status_code == 201
    assert response.get_data() == b"plain"


def test_wsgi_application_is_called(app: Erlen) -> None:
    def wsgi(environ: t.Any, start_response: t.Any) -> list[bytes]:
        start_response("201 Created", [("Content-Type", "text/x-wsgi")])
        return [environ["PATH_INFO"].encode()]

    response = convert(app, wsgi)
    assert response.status_code == 201
    assert response.mimetype == "text/x-wsgi"
    assert response.get_data() == b"/"


@pytest.mark.parametrize(
    ("rv", "message"),
    [
        (None, "The view function for None did not return a valid response."),
        ((None, 200), "did not return a valid response"),
        ((), "did not return a valid response tuple"),
        (("a",), "did not return a valid response tuple"),
        (("a", 200, {}, "x"), "did not return a valid response tuple"),
        (42, "but it was a int."),
        (3.5, "but it was a float."),
        ({1, 2}, "but it was a set."),
        (object(), "but it was a object."),
    ],
)
def test_invalid_return_values_are_type_errors(
    app: Erlen, rv: t.Any, message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        convert(app, rv)


def test_none_names_the_endpoint(app: Erlen, client: t.Any) -> None:
    @app.route("/")
    def forgot() -> None:
        pass

    with pytest.raises(TypeError, match="The view function for 'forgot' did not"):
        client.get("/")


def test_callable_that_is_not_wsgi_is_a_type_error(app: Erlen) -> None:
    def not_wsgi() -> str:
        return "x"

    with pytest.raises(TypeError) as info:
        convert(app, not_wsgi)
    assert "The view function did not return a valid response." in str(info.value)
    assert "but it was a function." in str(info.value)


def test_status_must_be_int_or_str(app: Erlen) -> None:
    with pytest.raises(TypeError):
        convert(app, ("x", 1.5))
    with pytest.raises(TypeError):
        convert(app, ("x", b"200 OK"))


def test_bytes_status_on_a_json_body_is_decoded(app: Erlen) -> None:
    # erlen decodes a bytes status where Flask would fail in Werkzeug's setter.
    assert convert(app, ({"a": 1}, b"201 Made")).status == "201 Made"
    assert convert(app, ([1], bytearray(b"202 OK"))).status_code == 202


def test_huge_generator_body_streams(app: Erlen, client: t.Any) -> None:
    @app.route("/")
    def big() -> t.Any:
        return (b"x" * 65536 for _ in range(64))

    rv = client.get("/")
    assert len(rv.data) == 64 * 65536


def test_exact_response_class_is_returned_unchanged(app: Erlen) -> None:
    response = app.response_class("exact")
    assert convert(app, response) is response


def test_http_exception_with_a_custom_response_class(app: Erlen) -> None:
    class Custom(Response):
        pass

    app.response_class = Custom
    response = convert(app, NotFound())
    assert type(response) is Custom
    assert response.status_code == 404


def test_wsgi_app_return_value_defaults_to_text_plain() -> None:
    app = Erlen("x")

    @app.route("/")
    def index() -> t.Any:
        def wsgi(environ: t.Any, start_response: t.Any) -> list[bytes]:
            start_response("200 OK", [])
            return [b"x"]

        return wsgi

    rv = app.test_client().get("/")
    assert rv.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_non_ascii_location_is_sent_as_uri() -> None:
    app = Erlen("x")

    @app.route("/")
    def index() -> t.Any:
        return redirect("/target?x=\u00fc")

    assert app.test_client().get("/").headers["Location"] == "/target?x=%C3%BC"
