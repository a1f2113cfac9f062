"""Response header attributes against Flask 3.1's Response (Werkzeug 3.1)."""

from __future__ import annotations

import random
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from erlen.http.headers import COEP
from erlen.http.headers import COOP
from erlen.wrappers import Request
from erlen.wrappers import Response

_VALUES = {
    "Access-Control-Allow-Headers": ["X-A, x-b", ""],
    "Access-Control-Allow-Methods": ["GET, POST", "PUT"],
    "Access-Control-Expose-Headers": ["X-Total"],
    "Access-Control-Max-Age": ["10", "x", "-1"],
    "Access-Control-Allow-Credentials": ["true", "TRUE", "false", ""],
    "Cross-Origin-Opener-Policy": ["same-origin", "x", "unsafe-none"],
    "Cross-Origin-Embedder-Policy": ["require-corp", "nope"],
    "Retry-After": ["Sun, 06 Nov 1994 08:49:37 GMT", "x"],
}
_ATTRIBUTES = [
    "access_control_allow_headers",
    "access_control_allow_methods",
    "access_control_expose_headers",
    "access_control_max_age",
    "access_control_allow_credentials",
    "cross_origin_opener_policy",
    "cross_origin_embedder_policy",
    "retry_after",
]


def _comparable(value: object) -> object:
    if hasattr(value, "to_header"):
        return value.to_header()
    if hasattr(value, "value"):  # COOP/COEP members of either library
        return value.value
    return value


@pytest.mark.parametrize("seed", range(20))
def test_header_attributes_match_flask(seed: int) -> None:
    from flask import Response as Reference

    rng = random.Random(seed)
    for _ in range(20):
        headers = [(k, rng.choice(v)) for k, v in _VALUES.items() if rng.random() < 0.5]
        ours, theirs = Response(headers=headers), Reference(headers=headers)
        for name in _ATTRIBUTES:
            assert _comparable(getattr(ours, name)) == _comparable(
                getattr(theirs, name)
            ), (name, headers)


def test_setters_write_what_flask_writes() -> None:
    from flask import Response as Reference

    when = datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    # (a timedelta is left out: Werkzeug writes str(timedelta), "0:00:09",
    # where erlen writes the seconds RFC 9110 §10.2.3 asks for)
    for value in (30, "45", when, None):
        ours, theirs = Response(), Reference()
        for response in (ours, theirs):
            response.retry_after = value
            response.access_control_allow_credentials = value is not None
            response.access_control_allow_methods = ["GET", "POST"]
            response.access_control_max_age = 5
        ours.cross_origin_opener_policy = COOP.SAME_ORIGIN
        theirs.cross_origin_opener_policy = type(theirs.cross_origin_opener_policy)(
            "same-origin"
        )
        ours.cross_origin_embedder_policy = "require-corp"
        theirs.headers["Cross-Origin-Embedder-Policy"] = "require-corp"
        assert sorted(ours.headers.items()) == sorted(theirs.headers.items())
    cleared = Response(headers={"Cross-Origin-Opener-Policy": "same-origin"})
    cleared.cross_origin_opener_policy = None
    assert cleared.cross_origin_opener_policy is COOP.UNSAFE_NONE
    assert Response().cross_origin_embedder_policy is COEP.UNSAFE_NONE


def test_retry_after_delay_counts_from_now() -> None:
    seconds = Response()
    seconds.retry_after = timedelta(seconds=9)
    assert seconds.headers["Retry-After"] == "9"
    response = Response(headers={"Retry-After": "120"})
    delay = response.retry_after - datetime.now(timezone.utc)  # type: ignore[operator]
    assert timedelta(seconds=110) < delay <= timedelta(seconds=120)
    assert Response().retry_after is None


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {
            "HTTP_MAX_FORWARDS": "3",
            "REMOTE_USER": "bob",
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "X-A, x-b",
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
            "CONTENT_TYPE": "text/plain",
        },
        {"HTTP_MAX_FORWARDS": "x", "CONTENT_TYPE": ""},
    ],
)
def test_request_attributes_match_flask(environ: dict[str, object]) -> None:
    from flask import Request as Reference

    for name in (
        "max_forwards",
        "remote_user",
        "is_multithread",
        "is_multiprocess",
        "is_run_once",
        "access_control_request_headers",
        "access_control_request_method",
        "want_form_data_parsed",
    ):
        ours = getattr(Request(dict(environ)), name)
        theirs = getattr(Reference(dict(environ)), name)
        assert _comparable(ours) == _comparable(theirs), name


def test_response_stream_matches_flask() -> None:
    from flask import Response as Reference

    def exercise(cls: type) -> list[object]:
        seen: list[object] = []
        response = cls()
        stream = response.stream
        seen += [stream.write(b"ab"), stream.tell(), response.get_data()]
        stream.writelines([b"c", b"d"])
        seen += [response.get_data(), response.headers.get("Content-Length")]
        seen += [stream.mode, stream.encoding, stream.isatty()]
        stream.flush()
        prefilled = cls("xyz")
        prefilled.stream.write(b"1")
        seen += [prefilled.get_data(), prefilled.headers.get("Content-Length")]
        streamed = cls(iter([b"a"]))
        streamed.stream.write(b"b")
        seen.append(streamed.get_data())
        stream.close()
        for call in (lambda: stream.write(b"x"), stream.flush, stream.isatty):
            with pytest.raises(ValueError, match="closed file"):
                call()
        return seen

    assert exercise(Response) == exercise(Reference)
    assert Response().stream.response is not None


def test_request_application_matches_flask() -> None:
    import io

    from flask import Request as ReferenceRequest
    from flask import Response as ReferenceResponse

    from erlen.exceptions import NotFound

    def build(request_cls: type, response_cls: type, not_found: type) -> t.Any:
        @request_cls.application
        def app(request: t.Any) -> t.Any:
            if request.path == "/missing":
                raise not_found()
            return response_cls(f"{request.method} {request.args.get('q')}")

        return app

    from werkzeug.exceptions import NotFound as ReferenceNotFound

    for path in ("/x", "/missing"):
        results = []
        for app in (
            build(Request, Response, NotFound),
            build(ReferenceRequest, ReferenceResponse, ReferenceNotFound),
        ):
            statuses: list[str] = []
            environ = {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": path,
                "QUERY_STRING": "q=1",
                "SERVER_NAME": "x",
                "SERVER_PORT": "80",
                "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(),
            }
            body = b"".join(app(environ, lambda s, h, seen=statuses: seen.append(s)))
            results.append((statuses, body if path == "/x" else body[:20]))
        assert results[0][0] == results[1][0]
        if path == "/x":
            assert results[0][1] == results[1][1] == b"GET 1"


def test_json_module_is_erlen_json() -> None:
    import erlen.json

    assert Request.json_module is erlen.json
    assert Response.json_module is erlen.json
    assert Response().json_module.dumps({"a": 1}) == '{"a": 1}'
