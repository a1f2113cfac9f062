from __future__ import annotations

import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from markupsafe import Markup
from werkzeug import exceptions as wz

from erlen import exceptions as ex

PUBLIC_NAMES = sorted(
    name
    for name, obj in vars(wz).items()
    if isinstance(obj, type)
    and issubclass(obj, wz.HTTPException)
    and not name.startswith("_")
)
HOSTILE_DESCRIPTIONS = [
    "plain",
    "",
    "<script>alert(1)</script>",
    "a & b < c > d \" e ' f",
    "line one\nline two\n\nline four",
    "\r\n\t\x00\x1b[31m",
    "ünïcödé ☃ \ud7ff",
    "&amp; already escaped",
]


def _pair(name: str) -> tuple[type[ex.HTTPException], type[wz.HTTPException]]:
    return getattr(ex, name), getattr(wz, name)


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_class_matches_werkzeug(name: str) -> None:
    ours, theirs = _pair(name)
    assert ours.code == theirs.code
    assert [b.__name__ for b in ours.__mro__] == [b.__name__ for b in theirs.__mro__]
    assert ours.__doc__


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_default_rendering_matches_werkzeug(name: str) -> None:
    ours, theirs = _pair(name)
    exc, ref = ours(), theirs()
    assert exc.description == ref.description
    assert exc.name == ref.name
    assert exc.get_description() == ref.get_description()
    assert exc.get_body() == ref.get_body()
    assert exc.get_headers() == ref.get_headers()
    assert str(exc) == str(ref)
    assert repr(exc) == repr(ref)
    assert exc.args == ref.args


@pytest.mark.parametrize("description", HOSTILE_DESCRIPTIONS)
@pytest.mark.parametrize("name", ["NotFound", "BadRequest", "HTTPException", "Gone"])
def test_custom_description_body_matches_werkzeug(name: str, description: str) -> None:
    ours, theirs = _pair(name)
    exc, ref = ours(description), theirs(description)
    assert exc.get_body() == ref.get_body()
    assert str(exc) == str(ref)


@pytest.mark.parametrize("description", HOSTILE_DESCRIPTIONS)
def test_description_never_opens_a_tag(description: str) -> None:
    body = ex.NotFound(description).get_body()
    paragraph = body.split("<p>", 1)[1].rsplit("</p>", 1)[0]
    assert "<" not in paragraph.replace("<br>", "")
    assert '"' not in paragraph
    assert "'" not in paragraph


def test_body_layout() -> None:
    assert ex.NotFound("gone <now>").get_body() == (
        "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n"
        "<h1>Not Found</h1>\n<p>gone &lt;now&gt;</p>\n"
    )


def test_markup_description_is_trusted() -> None:
    exc = ex.NotFound(Markup("<b>bold</b>"))
    assert exc.get_description() == "<p><b>bold</b></p>"
    assert exc.get_description() == wz.NotFound(Markup("<b>bold</b>")).get_description()


def test_unknown_code_subclass() -> None:
    class Custom(ex.HTTPException):
        code = 599
        description = "custom"

    assert Custom().name == "Unknown Error"
    assert str(Custom()) == "599 Unknown Error: custom"
    assert repr(Custom()) == "<Custom '599: Unknown Error'>"
    assert "<title>599 Unknown Error</title>" in Custom().get_body()


def test_base_exception_has_no_code() -> None:
    exc = ex.HTTPException()
    assert exc.code is None
    assert exc.name == "Unknown Error"
    assert str(exc) == "??? Unknown Error: None"
    assert exc.get_description() == "<p></p>"
    assert exc.response is None


def test_description_is_an_instance_attribute() -> None:
    exc = ex.NotFound("mine")
    assert exc.description == "mine"
    assert ex.NotFound.description != "mine"
    assert exc.args == ()


def test_name_is_a_property_on_the_class() -> None:
    assert isinstance(ex.HTTPException.__dict__["name"], property)
    assert ex.ImATeapot().name == "I'm a teapot"


def test_default_exceptions_match_werkzeug() -> None:
    assert {code: cls.__name__ for code, cls in ex.default_exceptions.items()} == {
        code: cls.__name__ for code, cls in wz.default_exceptions.items()
    }
    assert ex.default_exceptions[400] is ex.BadRequest


# --- BadRequestKeyError ------------------------------------------------------


def test_bad_request_key_error_is_a_key_error() -> None:
    exc = ex.BadRequestKeyError("name")
    assert isinstance(exc, KeyError)
    assert isinstance(exc, ex.BadRequest)
    assert exc.args == ("name",)
    assert exc.code == 400
    assert str(exc) == str(wz.BadRequestKeyError("name"))
    assert repr(exc) == "<BadRequestKeyError '400: Bad Request'>"
    with pytest.raises(KeyError):
        raise exc


def test_bad_request_key_error_without_key() -> None:
    assert ex.BadRequestKeyError().args == ()


def test_bad_request_key_error_show_exception() -> None:
    exc = ex.BadRequestKeyError("name")
    assert exc.description == ex.BadRequest.description
    exc.show_exception = True
    assert exc.description == f"{ex.BadRequest.description}\nKeyError: 'name'"
    ref = wz.BadRequestKeyError("name")
    ref.show_exception = True
    assert exc.get_body() == ref.get_body()
    assert ex.BadRequestKeyError.show_exception is False


def test_bad_request_key_error_description_setter() -> None:
    exc = ex.BadRequestKeyError("k", description="custom")
    assert exc.description == "custom"
    exc.description = "other"
    assert exc.description == "other"
    exc.show_exception = True
    assert exc.description == "other\nKeyError: 'k'"
    assert ex.BadRequestKeyError("j").description == ex.BadRequest.description


# --- header hooks ------------------------------------------------------------

HTML = ("Content-Type", "text/html; charset=utf-8")


@pytest.mark.parametrize(
    ("methods", "extra"),
    [
        (None, []),
        ([], []),
        (["GET"], [("Allow", "GET")]),
        (["GET", "HEAD", "POST"], [("Allow", "GET, HEAD, POST")]),
        (("PUT",), [("Allow", "PUT")]),
    ],
)
def test_method_not_allowed_allow_header(
    methods: list[str] | None, extra: list[tuple[str, str]]
) -> None:
    exc = ex.MethodNotAllowed(methods)
    assert exc.valid_methods == methods
    assert exc.get_headers() == [HTML, *extra]
    assert exc.get_headers() == wz.MethodNotAllowed(methods).get_headers()


def test_method_not_allowed_description_and_response() -> None:
    exc = ex.MethodNotAllowed(["GET"], "nope", None)
    assert exc.description == "nope"


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        ((), []),
        ((0,), [("Content-Range", "bytes */0")]),
        ((100,), [("Content-Range", "bytes */100")]),
        ((5, "items"), [("Content-Range", "items */5")]),
    ],
)
def test_range_not_satisfiable_content_range(
    args: tuple[t.Any, ...], extra: list[tuple[str, str]]
) -> None:
    exc = ex.RequestedRangeNotSatisfiable(*args)
    assert exc.get_headers() == [HTML, *extra]
    assert exc.get_headers() == wz.RequestedRangeNotSatisfiable(*args).get_headers()


class Challenge:
    def __init__(self, value: str) -> None:
        self.value = value

    def to_header(self) -> str:
        return self.value

    def __str__(self) -> str:
        return self.to_header()


def test_unauthorized_www_authenticate() -> None:
    assert ex.Unauthorized().www_authenticate is None
    assert ex.Unauthorized().get_headers() == [HTML]
    one = ex.Unauthorized(www_authenticate=Challenge('Basic realm="x"'))
    assert one.get_headers() == [HTML, ("WWW-Authenticate", 'Basic realm="x"')]
    many = ex.Unauthorized(www_authenticate=[Challenge("Basic"), Challenge("Bearer")])
    assert many.get_headers() == [
        HTML,
        ("WWW-Authenticate", "Basic"),
        ("WWW-Authenticate", "Bearer"),
    ]
    as_tuple = ex.Unauthorized(www_authenticate=(Challenge("A"),))
    assert isinstance(as_tuple.www_authenticate, tuple)


def test_unauthorized_with_erlen_challenge() -> None:
    from werkzeug.datastructures import WWWAuthenticate as WzWWWAuthenticate

    from erlen.datastructures import WWWAuthenticate

    ours = ex.Unauthorized(www_authenticate=WWWAuthenticate("basic", {"realm": "a b"}))
    theirs = wz.Unauthorized(
        www_authenticate=WzWWWAuthenticate("basic", {"realm": "a b"})
    )
    assert ours.get_headers() == theirs.get_headers()
    assert ours.get_response().headers["WWW-Authenticate"] == 'Basic realm="a b"'


def test_unauthorized_with_werkzeug_challenge() -> None:
    from werkzeug.datastructures import WWWAuthenticate

    challenge = WWWAuthenticate("basic", {"realm": "x y"})
    ours = ex.Unauthorized(www_authenticate=challenge).get_headers()
    assert ours == wz.Unauthorized(www_authenticate=challenge).get_headers()


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        (None, None),
        (0, None),
        (5, "5"),
        (3600, "3600"),
        (datetime(2020, 1, 1, tzinfo=timezone.utc), "Wed, 01 Jan 2020 00:00:00 GMT"),
        (datetime(2020, 1, 1), "Wed, 01 Jan 2020 00:00:00 GMT"),
        (
            datetime(2020, 1, 1, 2, tzinfo=timezone(timedelta(hours=2))),
            "Wed, 01 Jan 2020 00:00:00 GMT",
        ),
    ],
)
@pytest.mark.parametrize("name", ["TooManyRequests", "ServiceUnavailable"])
def test_retry_after(name: str, retry_after: t.Any, expected: str | None) -> None:
    ours, theirs = _pair(name)
    headers = ours(retry_after=retry_after).get_headers()  # type: ignore[call-arg]
    assert headers == [HTML] + ([("Retry-After", expected)] if expected else [])
    assert headers == theirs(retry_after=retry_after).get_headers()  # type: ignore[call-arg]


def test_internal_server_error_original_exception() -> None:
    original = ValueError("boom")
    exc = ex.InternalServerError(original_exception=original)
    assert exc.original_exception is original
    assert ex.InternalServerError().original_exception is None


# --- abort / Aborter ---------------------------------------------------------


@pytest.mark.parametrize("code", sorted(wz.default_exceptions))
def test_abort_raises_the_registered_class(code: int) -> None:
    with pytest.raises(ex.HTTPException) as info:
        ex.abort(code)
    assert type(info.value) is ex.default_exceptions[code]
    assert info.value.code == code


def test_abort_passes_arguments() -> None:
    with pytest.raises(ex.NotFound) as info:
        ex.abort(404, "no such item")
    assert info.value.description == "no such item"
    with pytest.raises(ex.MethodNotAllowed) as info2:
        ex.abort(405, valid_methods=["GET"])
    assert info2.value.valid_methods == ["GET"]


@pytest.mark.parametrize("code", [999, 200, 302, 0, -1])
def test_abort_unknown_code_is_lookup_error(code: int) -> None:
    with pytest.raises(LookupError, match=f"no exception for {code}"):
        ex.abort(code)


def test_abort_with_response_object() -> None:
    sentinel = t.cast(t.Any, object())
    with pytest.raises(ex.HTTPException) as info:
        ex.abort(sentinel)
    assert type(info.value) is ex.HTTPException
    assert info.value.response is sentinel
    assert info.value.get_response() is sentinel


def test_aborter_mapping_is_a_copy_with_extra() -> None:
    class Custom(ex.HTTPException):
        code = 499

    aborter = ex.Aborter(extra={499: Custom})
    assert aborter.mapping is not ex.default_exceptions
    assert 499 not in ex.default_exceptions
    with pytest.raises(Custom):
        aborter(499)
    with pytest.raises(ex.NotFound):
        aborter(404)


def test_aborter_custom_mapping() -> None:
    aborter = ex.Aborter({404: ex.Gone})
    with pytest.raises(ex.Gone):
        aborter(404)
    with pytest.raises(LookupError):
        aborter(400)


# --- responses and WSGI ------------------------------------------------------


def _environ() -> dict[str, t.Any]:
    return {
        "REQUEST_METHOD": "GET",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "PATH_INFO": "/",
        "wsgi.url_scheme": "http",
    }


def test_get_response_builds_html_response() -> None:
    response = ex.MethodNotAllowed(["GET"]).get_response()
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.get_data(as_text=True) == ex.MethodNotAllowed().get_body()


def test_get_response_accepts_a_request_like_object() -> None:
    class RequestLike:
        environ = _environ()

    seen: list[t.Any] = []

    class Spy(ex.NotFound):
        def get_headers(
            self, environ: t.Any = None, scope: t.Any = None
        ) -> list[tuple[str, str]]:
            seen.append(environ)
            return super().get_headers(environ, scope)

    Spy().get_response(RequestLike())
    assert seen == [RequestLike.environ]


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_wsgi_call_matches_werkzeug(name: str) -> None:
    ours, theirs = _pair(name)
    if ours.code is None:
        return
    results = []
    for exc in (ours(), theirs()):
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(
            status: str, headers: t.Any, exc_info: t.Any = None
        ) -> t.Any:
            started.append((status, list(headers)))  # noqa: B023 -- used at once
            return lambda data: None

        body = b"".join(exc(_environ(), start_response))
        results.append((started, body))
    assert results[0] == results[1]


# --- hostile input -----------------------------------------------------------


def test_huge_description_renders_in_linear_time() -> None:
    description = ("<&>\"'\n" * 500_000) + "end"
    body = ex.BadRequest(description).get_body()
    assert body.count("<br>") == 500_000
    assert body.count("&lt;") == 500_000
    assert body.endswith("end</p>\n")


# --- through the app ---------------------------------------------------------


def test_abort_in_view_renders_the_error_page(app: t.Any, client: t.Any) -> None:
    @app.get("/gone")
    def gone() -> str:
        ex.abort(410, "moved <away>")

    rv = client.get("/gone")
    assert rv.status_code == 410
    assert rv.headers["Content-Type"] == "text/html; charset=utf-8"
    assert rv.get_data(as_text=True) == wz.Gone("moved <away>").get_body()


def test_raised_exception_with_headers_through_the_app(
    app: t.Any, client: t.Any
) -> None:
    @app.get("/limited")
    def limited() -> str:
        raise ex.TooManyRequests(retry_after=30)

    rv = client.get("/limited")
    assert rv.status_code == 429
    assert rv.headers["Retry-After"] == "30"
