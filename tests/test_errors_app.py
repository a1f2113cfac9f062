"""Error handling in the app: handler resolution, trapping, propagation, 500s."""

from __future__ import annotations

import logging
import typing as t

import pytest

from erlen import Erlen
from erlen import abort
from erlen import request
from erlen import signals
from erlen.exceptions import BadRequest
from erlen.exceptions import BadRequestKeyError
from erlen.exceptions import HTTPException
from erlen.exceptions import InternalServerError
from erlen.exceptions import NotFound


class AppError(Exception):
    """Base of the app's errors."""


class ChildError(AppError):
    """Handled through the parent's handler unless it has its own."""


class GrandChildError(ChildError):
    """Two levels below AppError."""


@pytest.fixture
def production(app: Erlen) -> Erlen:
    """The app as it runs in production: errors become responses."""
    app.config.update(TESTING=False, DEBUG=False)
    return app


def test_handler_for_the_closest_class_in_the_mro_wins(
    production: Erlen,
) -> None:
    production.register_error_handler(AppError, lambda e: ("app", 500))
    production.register_error_handler(ChildError, lambda e: ("child", 500))

    @production.route("/<kind>")
    def raise_it(kind: str) -> str:
        raise {"app": AppError, "child": ChildError, "grand": GrandChildError}[kind]()

    client = production.test_client()
    assert client.get("/app").text == "app"
    assert client.get("/child").text == "child"
    assert client.get("/grand").text == "child"


def test_code_handler_and_class_handler(production: Erlen) -> None:
    @production.errorhandler(404)
    def code_handler(e: HTTPException) -> tuple[str, int]:
        return f"code {e.code}", 404

    @production.errorhandler(HTTPException)
    def generic(e: HTTPException) -> tuple[str, int]:
        return f"generic {e.code}", e.code or 500

    @production.route("/forbidden")
    def forbidden() -> str:
        abort(403)

    client = production.test_client()
    assert client.get("/missing").text == "code 404"
    assert client.get("/forbidden").text == "generic 403"


def test_handler_for_exception_catches_http_errors_too(production: Erlen) -> None:
    @production.errorhandler(Exception)
    def everything(e: Exception) -> tuple[str, int]:
        return type(e).__name__, 599

    @production.route("/boom")
    def boom() -> str:
        raise ValueError()

    client = production.test_client()
    assert client.get("/boom").text == "ValueError"
    assert client.get("/missing").text == "NotFound"


def test_unhandled_http_error_renders_its_page(production: Erlen) -> None:
    @production.route("/")
    def index() -> str:
        abort(400, description="bad <input>")

    rv = production.test_client().get("/")
    assert rv.status_code == 400
    assert rv.mimetype == "text/html"
    assert b"bad &lt;input&gt;" in rv.data


def test_handler_may_return_the_exception(production: Erlen) -> None:
    @production.errorhandler(NotFound)
    def passthrough(e: NotFound) -> NotFound:
        e.description = "changed"
        return e

    rv = production.test_client().get("/nope")
    assert rv.status_code == 404
    assert b"changed" in rv.data


def test_http_exception_with_response(production: Erlen) -> None:
    @production.route("/")
    def index() -> str:
        abort(production.response_class("custom body", 409))

    rv = production.test_client().get("/")
    assert (rv.status_code, rv.text) == (409, "custom body")


def test_redirect_exceptions_skip_handlers(production: Erlen) -> None:
    calls: list[int | None] = []

    @production.errorhandler(HTTPException)
    def generic(e: HTTPException) -> HTTPException:
        calls.append(e.code)
        return e

    @production.route("/dir/")
    def directory() -> str:
        return "dir"

    assert production.test_client().get("/dir").status_code == 308
    assert calls == []


def test_http_exception_without_code_is_returned_unchanged(production: Erlen) -> None:
    class Codeless(HTTPException):
        pass

    @production.errorhandler(HTTPException)
    def generic(e: HTTPException) -> str:
        return "handled"

    with production.test_request_context():
        error = Codeless()
        assert production.handle_http_exception(error) is error


def test_unhandled_error_is_logged_and_answered_500(
    production: Erlen, caplog: pytest.LogCaptureFixture
) -> None:
    @production.route("/crash")
    def crash() -> str:
        raise RuntimeError("secret value 1234")

    with caplog.at_level(logging.ERROR, logger=production.logger.name):
        rv = production.test_client().get("/crash")
    assert rv.status_code == 500
    assert b"Internal Server Error" in rv.data
    assert b"secret value" not in rv.data
    assert b"Traceback" not in rv.data
    (record,) = caplog.records
    assert record.getMessage() == "Exception on /crash [GET]"
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError


def test_500_handler_gets_the_original_exception(production: Erlen) -> None:
    @production.errorhandler(500)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        return f"500: {type(e.original_exception).__name__}", 500

    @production.route("/crash")
    def crash() -> str:
        raise KeyError("x")

    assert production.test_client().get("/crash").text == "500: KeyError"


def test_error_handler_that_raises_becomes_500(production: Erlen) -> None:
    @production.errorhandler(AppError)
    def broken(e: AppError) -> str:
        raise ValueError("handler failed")

    @production.route("/")
    def index() -> str:
        raise AppError()

    assert production.test_client().get("/").status_code == 500


def test_after_request_failure_while_handling_an_error_is_logged(
    production: Erlen, caplog: pytest.LogCaptureFixture
) -> None:
    @production.after_request
    def broken(response: t.Any) -> t.Any:
        raise ValueError("after failed")

    @production.route("/")
    def index() -> str:
        return "ok"

    with caplog.at_level(logging.ERROR, logger=production.logger.name):
        rv = production.test_client().get("/")
    assert rv.status_code == 500
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "Exception on / [GET]",
        "Request finalizing failed with an error while handling an error",
    ]


@pytest.mark.parametrize(
    ("config", "propagates"),
    [
        ({"TESTING": True}, True),
        ({"DEBUG": True}, True),
        ({}, False),
        ({"PROPAGATE_EXCEPTIONS": True}, True),
        ({"PROPAGATE_EXCEPTIONS": False, "TESTING": True}, False),
    ],
)
def test_propagate_exceptions(
    production: Erlen, config: dict[str, t.Any], propagates: bool
) -> None:
    production.config.update(config)
    assert production.propagate_exceptions is propagates

    @production.route("/")
    def index() -> str:
        raise AppError("propagated")

    client = production.test_client()
    if propagates:
        with pytest.raises(AppError, match="propagated"):
            client.get("/")
    else:
        assert client.get("/").status_code == 500


def test_got_request_exception_signal(production: Erlen) -> None:
    seen: list[tuple[t.Any, Exception]] = []

    def receiver(sender: t.Any, exception: Exception, **extra: t.Any) -> None:
        seen.append((sender, exception))

    @production.route("/")
    def index() -> str:
        raise AppError("signalled")

    @production.route("/handled")
    def handled() -> str:
        abort(404)

    with signals.got_request_exception.connected_to(receiver, production):
        production.test_client().get("/")
        production.test_client().get("/handled")
    assert len(seen) == 1
    assert seen[0][0] is production
    assert str(seen[0][1]) == "signalled"


def test_trap_http_exceptions(production: Erlen) -> None:
    production.config.update(TRAP_HTTP_EXCEPTIONS=True, PROPAGATE_EXCEPTIONS=True)

    @production.route("/")
    def index() -> str:
        abort(404)

    with pytest.raises(NotFound):
        production.test_client().get("/")
    with pytest.raises(NotFound):
        production.test_client().get("/missing")


@pytest.mark.parametrize(
    ("config", "abort_400", "missing_key"),
    [
        ({}, 400, 400),
        ({"DEBUG": True}, 400, "raise"),
        ({"TRAP_BAD_REQUEST_ERRORS": True}, 500, 500),
        ({"TRAP_BAD_REQUEST_ERRORS": True, "TESTING": True}, "raise", "raise"),
        ({"TRAP_BAD_REQUEST_ERRORS": False, "DEBUG": True}, 400, 400),
    ],
)
def test_trap_bad_request_errors(
    production: Erlen,
    config: dict[str, t.Any],
    abort_400: t.Any,
    missing_key: t.Any,
) -> None:
    production.config.update(config)

    @production.route("/abort")
    def do_abort() -> str:
        abort(400)

    @production.route("/key")
    def key() -> str:
        return request.args["missing"]

    client = production.test_client()
    for path, expected, error in [
        ("/abort", abort_400, BadRequest),
        ("/key", missing_key, BadRequestKeyError),
    ]:
        if expected == "raise":
            with pytest.raises(error):
                client.get(path)
        else:
            assert client.get(path).status_code == expected


def test_handle_user_exception_reraises_without_handler(app: Erlen) -> None:
    with app.test_request_context():
        with pytest.raises(AppError):
            try:
                raise AppError()
            except AppError as e:
                app.handle_user_exception(e)


def test_handle_user_exception_calls_async_handler(app: Erlen) -> None:
    @app.errorhandler(AppError)
    async def handler(e: AppError) -> str:
        return "async handled"

    with app.test_request_context():
        assert app.handle_user_exception(AppError()) == "async handled"


def test_handle_exception_outside_a_request(production: Erlen) -> None:
    @production.errorhandler(500)
    def server_error(e: InternalServerError) -> str:
        return "no request"

    with production.test_request_context():
        try:
            raise AppError()
        except AppError as e:
            rv = production.handle_exception(e)
    assert rv.status_code == 200
    assert rv.get_data() == b"no request"


def test_handle_exception_reraises_the_given_error_when_propagating(
    app: Erlen,
) -> None:
    error = AppError("not the active one")
    with app.test_request_context():
        with pytest.raises(AppError, match="not the active one"):
            app.handle_exception(error)


def test_teardown_sees_the_unhandled_error(production: Erlen) -> None:
    seen: list[BaseException | None] = []
    production.teardown_request(seen.append)

    @production.route("/")
    def index() -> str:
        raise AppError()

    production.test_client().get("/")
    assert isinstance(seen[0], AppError)


def test_should_ignore_error_hides_it_from_teardown(production: Erlen) -> None:
    seen: list[BaseException | None] = []
    production.teardown_request(seen.append)
    production.should_ignore_error = lambda error: True  # type: ignore[method-assign]

    @production.route("/")
    def index() -> str:
        raise AppError()

    production.test_client().get("/")
    assert seen == [None]


def test_keyboard_interrupt_passes_through(production: Erlen) -> None:
    seen: list[BaseException | None] = []
    production.teardown_request(seen.append)

    @production.route("/")
    def index() -> str:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        production.test_client().get("/")
    assert isinstance(seen[0], KeyboardInterrupt)


def test_bad_request_key_error_page_follows_show_exception() -> None:
    app = Erlen("x")

    @app.route("/key")
    def key() -> str:
        return request.args["missing"]

    client = app.test_client()
    assert b"KeyError" not in client.get("/key").data
    app.config.update(DEBUG=True, TRAP_BAD_REQUEST_ERRORS=False)
    assert b"KeyError: &#39;missing&#39;" in client.get("/key").data
