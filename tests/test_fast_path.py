"""The fast path of ``Erlen.wsgi_app`` against the general path.

Every app below answers the same requests twice: once as it is (the fast path
runs when the endpoint has no hooks and nothing can observe the difference) and
once with a receiver on ``appcontext_popped``, which forces the general path.
Both must agree on status, headers and body, and on what the view saw.
"""

from __future__ import annotations

import io
import typing as t

import pytest

from erlen import Erlen
from erlen import Response
from erlen import abort
from erlen import after_this_request
from erlen import g
from erlen import request
from erlen import session
from erlen import signals
from erlen import stream_with_context
from erlen import url_for
from erlen.ctx import RequestContext
from erlen.exceptions import NotFound
from erlen.globals import _cv_app
from erlen.globals import _cv_request
from erlen.sessions import SecureCookieSessionInterface


def _noop(sender: t.Any, **extra: t.Any) -> None:
    return None


@pytest.fixture
def pushes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each RequestContext.push, which only the general path calls."""
    seen: list[str] = []
    original = RequestContext.push

    def push(self: RequestContext) -> None:
        seen.append(self.request.path)
        original(self)

    monkeypatch.setattr(RequestContext, "push", push)
    return seen


def make_app() -> Erlen:
    app = Erlen(__name__)
    app.secret_key = "fast-path"
    _add_return_value_routes(app)
    _add_context_routes(app)
    return app


def _add_return_value_routes(app: Erlen) -> None:
    @app.route("/text")
    def text() -> str:
        return "hello"

    @app.route("/response")
    def response() -> Response:
        return Response("plain", mimetype="text/plain")

    @app.route("/dict/<int:n>")
    def as_dict(n: int) -> dict[str, t.Any]:
        return {"n": n, "endpoint": request.endpoint, "url": url_for("as_dict", n=n)}

    @app.route("/tuple")
    def as_tuple() -> tuple[str, int, dict[str, str]]:
        return "created", 201, {"X-Extra": "1"}

    @app.route("/abort")
    def aborts() -> str:
        abort(418)

    @app.route("/error")
    def error() -> str:
        raise KeyError("boom")

    @app.errorhandler(KeyError)
    def key_error(e: KeyError) -> tuple[str, int]:
        return f"handled {e.args[0]}", 400


def _add_context_routes(app: Erlen) -> None:
    @app.route("/session")
    def uses_session() -> dict[str, int]:
        session["n"] = session.get("n", 0) + 1
        return {"n": session["n"]}

    @app.route("/after")
    def after() -> str:
        @after_this_request
        def add(response: Response) -> Response:
            response.headers["X-After"] = "yes"
            return response

        return "after"

    @app.route("/g")
    def uses_g() -> str:
        g.value = "from g"
        return g.get("value", "")

    @app.route("/stream")
    def stream() -> Response:
        def generate() -> t.Iterator[str]:
            yield "a"
            yield request.path

        return Response(stream_with_context(generate()))

    @app.route("/items/", methods=["GET", "POST"])
    def items() -> str:
        return request.method


REQUESTS: list[tuple[str, str, dict[str, t.Any]]] = [
    ("GET", "/text", {}),
    ("HEAD", "/text", {}),
    ("GET", "/response", {}),
    ("GET", "/dict/7", {}),
    ("GET", "/tuple", {}),
    ("GET", "/abort", {}),
    ("GET", "/error", {}),
    ("GET", "/session", {}),
    ("GET", "/after", {}),
    ("GET", "/g", {}),
    ("GET", "/stream", {}),
    ("GET", "/items", {}),
    ("POST", "/items/", {}),
    ("OPTIONS", "/items/", {}),
    ("DELETE", "/items/", {}),
    ("GET", "/missing", {}),
    ("GET", "//text", {}),
    ("GET", "/text", {"headers": {"Cookie": "other=1"}}),
]


def _answer(app: Erlen, method: str, path: str, kwargs: dict[str, t.Any]) -> list:
    client = app.test_client()
    answers = []
    # the second request carries the session cookie the first one may have set
    for _ in range(2):
        r = client.open(path, method=method, **kwargs)
        answers.append((r.status, sorted(r.headers.items()), r.get_data()))
    return answers


@pytest.mark.parametrize(("method", "path", "kwargs"), REQUESTS)
def test_fast_and_general_paths_agree(
    method: str, path: str, kwargs: dict[str, t.Any]
) -> None:
    fast = _answer(make_app(), method, path, kwargs)
    with signals.appcontext_popped.connected_to(_noop):
        general = _answer(make_app(), method, path, kwargs)
    assert fast == general


def test_plain_endpoint_takes_the_fast_path(pushes: list[str]) -> None:
    app = make_app()
    client = app.test_client()
    assert client.get("/text").text == "hello"
    assert client.get("/dict/3").json["n"] == 3
    # routing errors too, while no app-level hook runs
    assert client.get("/missing").status_code == 404
    assert client.delete("/text").status_code == 405
    assert pushes == []
    # a path the router would redirect takes the general path
    assert client.get("/items").status_code == 308
    assert pushes == ["/items"]


def test_routing_error_with_an_app_hook_takes_the_general_path(
    pushes: list[str],
) -> None:
    app = make_app()
    seen: list[int] = []

    @app.after_request
    def record(response: Response) -> Response:
        seen.append(response.status_code)
        return response

    assert app.test_client().get("/missing").status_code == 404
    assert seen == [404]
    assert pushes == ["/missing"]


def test_trapped_routing_error_is_an_unhandled_error() -> None:
    # COMPAT: as in Flask, a trapped 404 reaches handle_exception: a 500 page,
    # or the NotFound itself when exceptions propagate.
    app = make_app()
    app.config["TRAP_HTTP_EXCEPTIONS"] = True
    assert app.test_client().get("/missing").status_code == 500
    app.testing = True
    with pytest.raises(NotFound):
        app.test_client().get("/missing")
    assert _cv_request.get(None) is None


def test_a_receiver_turns_the_fast_path_off(pushes: list[str]) -> None:
    app = make_app()
    client = app.test_client()
    seen: list[str] = []

    def started(sender: Erlen, **extra: t.Any) -> None:
        seen.append(request.path)

    with signals.request_started.connected_to(started, app):
        assert not signals.quiet.value
        client.get("/text")
    assert signals.quiet.value
    client.get("/text")
    assert seen == ["/text"]
    assert pushes == ["/text"]


def test_quiet_follows_connect_and_disconnect() -> None:
    assert signals.quiet.value
    signals.template_rendered.connect(_noop)
    try:
        assert signals.quiet.value  # not sent on every request
    finally:
        signals.template_rendered.disconnect(_noop)
    signals.request_finished.connect(_noop)
    signals.request_tearing_down.connect(_noop)
    assert not signals.quiet.value
    signals.request_finished.disconnect(_noop)
    assert not signals.quiet.value
    signals.request_tearing_down.disconnect(_noop)
    assert signals.quiet.value


def test_hooks_take_the_general_path(pushes: list[str]) -> None:
    app = make_app()
    calls: list[str] = []
    app.before_request(lambda: calls.append("before"))
    app.teardown_request(lambda exc: calls.append("teardown"))
    app.test_client().get("/text")
    assert calls == ["before", "teardown"]
    assert pushes == ["/text"]


def test_teardown_appcontext_runs(pushes: list[str]) -> None:
    app = make_app()
    calls: list[BaseException | None] = []
    app.teardown_appcontext(calls.append)
    app.test_client().get("/text")
    assert calls == [None]
    assert pushes == ["/text"]


def test_overridden_step_takes_the_general_path(pushes: list[str]) -> None:
    class Traced(Erlen):
        def full_dispatch_request(self) -> Response:
            response = super().full_dispatch_request()
            response.headers["X-Traced"] = "1"
            return response

    app = Traced(__name__)
    app.add_url_rule("/", view_func=lambda: "traced")
    response = app.test_client().get("/")
    assert response.headers["X-Traced"] == "1"
    assert pushes == ["/"]


def test_custom_session_interface_is_opened_at_push(pushes: list[str]) -> None:
    opened: list[str] = []

    class Recording(SecureCookieSessionInterface):
        def open_session(self, app: t.Any, request: t.Any) -> t.Any:
            opened.append(request.path)
            return super().open_session(app, request)

    app = make_app()
    app.session_interface = Recording()
    app.test_client().get("/text")
    assert opened == ["/text"]
    assert pushes == ["/text"]


def test_enclosing_app_context_is_reused(pushes: list[str]) -> None:
    app = make_app()

    @app.route("/read-g")
    def read_g() -> str:
        return str(g.get("outer", "none"))

    with app.app_context():
        g.outer = "outer"
        assert app.test_client().get("/read-g").text == "outer"
    assert pushes == ["/read-g"]
    assert app.test_client().get("/read-g").text == "none"


def test_contexts_are_gone_after_a_direct_wsgi_call() -> None:
    app = make_app()
    seen: list[tuple[str, list[tuple[str, str]]]] = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/text",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
    }
    body = app(environ, lambda status, headers: seen.append((status, headers)))
    assert b"".join(body) == b"hello"
    assert seen[0][0] == "200 OK"
    assert _cv_request.get(None) is None
    assert _cv_app.get(None) is None
    assert environ["erlen.request"] is None


def test_propagated_error_pops_the_contexts() -> None:
    app = make_app()
    app.config["PROPAGATE_EXCEPTIONS"] = True

    @app.route("/raise")
    def raises() -> str:
        raise RuntimeError("propagated")

    with pytest.raises(RuntimeError, match="propagated"):
        app.test_client().get("/raise")
    assert _cv_request.get(None) is None
    assert _cv_app.get(None) is None


def test_view_that_leaves_a_context_pushed_is_reported() -> None:
    app = make_app()

    @app.route("/leak")
    def leak() -> str:
        app.test_request_context("/other").push()
        return "leaked"

    with pytest.raises(AssertionError, match="Popped wrong request context"):
        app.test_client().get("/leak")
    # clean up what the view left behind
    while _cv_request.get(None) is not None:
        _cv_request.get().pop()


def test_uploaded_files_are_closed(pushes: list[str]) -> None:
    app = make_app()
    streams: list[t.Any] = []

    @app.route("/upload", methods=["POST"])
    def upload() -> str:
        storage = request.files["file"]
        streams.append(storage.stream)
        return storage.filename or ""

    response = app.test_client().post(
        "/upload", data={"file": (io.BytesIO(b"data"), "a.txt")}
    )
    assert response.text == "a.txt"
    assert streams[0].closed
    assert pushes == []


def test_view_that_pushes_the_app_context_again_leaves_it_pushed() -> None:
    app = make_app()

    @app.route("/repush")
    def repush() -> str:
        _cv_app.get().push()
        return "again"

    assert app.test_client().get("/repush").text == "again"
    # as in Flask: the extra push is the view's to pop
    leftover = _cv_app.get(None)
    assert leftover is not None
    assert leftover.app is app
    leftover.pop()
    assert _cv_app.get(None) is None


def test_fast_contexts_carry_the_same_attributes_as_pushed_ones(
    pushes: list[str],
) -> None:
    app = make_app()
    seen: list[tuple[list[str], list[str], int, int]] = []

    @app.route("/contexts")
    def contexts() -> str:
        ctx = _cv_request.get()
        app_ctx = _cv_app.get()
        # read first: the fast path writes its push entry out on first use
        tokens = (len(ctx._cv_tokens), len(app_ctx._cv_tokens))
        seen.append((sorted(vars(ctx)), sorted(vars(app_ctx)), *tokens))
        return "ok"

    client = app.test_client()
    client.get("/contexts")
    with signals.appcontext_popped.connected_to(_noop):
        client.get("/contexts")
    assert pushes == ["/contexts"]  # the first request took the fast path
    assert seen[0] == seen[1]


# -- Erlen.__call__ runs wsgi_app, wrapped or overridden -------------------------


def plain_environ(path: str = "/text") -> dict[str, t.Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
    }


def call(app: t.Any, environ: dict[str, t.Any]) -> tuple[str, bytes]:
    seen: list[str] = []
    body = app(environ, lambda status, headers: seen.append(status))
    return seen[0], b"".join(body)


def test_call_and_wsgi_app_answer_alike() -> None:
    app = make_app()
    assert call(app, plain_environ()) == call(app.wsgi_app, plain_environ())
    assert call(app, plain_environ()) == ("200 OK", b"hello")
    assert Erlen.wsgi_app.__doc__


def test_call_goes_through_middleware_wrapping_wsgi_app() -> None:
    app = make_app()
    log: list[str] = []
    inner = app.wsgi_app

    def middleware(environ: t.Any, start_response: t.Any) -> t.Any:
        log.append(environ["PATH_INFO"])
        environ["PATH_INFO"] = "/text"
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]
    assert call(app, plain_environ("/elsewhere")) == ("200 OK", b"hello")
    assert log == ["/elsewhere"]
    del app.wsgi_app
    assert call(app, plain_environ("/elsewhere"))[0] == "404 NOT FOUND"
    assert log == ["/elsewhere"]


def test_call_runs_an_overriding_wsgi_app() -> None:
    log: list[str] = []

    class Logged(Erlen):
        def wsgi_app(self, environ: t.Any, start_response: t.Any) -> t.Any:
            log.append(environ["PATH_INFO"])
            return super().wsgi_app(environ, start_response)

    app = Logged(__name__)
    app.get("/text")(lambda: "hello")
    assert call(app, plain_environ()) == ("200 OK", b"hello")
    assert log == ["/text"]


def test_a_subclass_wsgi_app_and_an_assigned_middleware_both_run() -> None:
    log: list[str] = []

    class Logged(Erlen):
        def wsgi_app(self, environ: t.Any, start_response: t.Any) -> t.Any:
            log.append("subclass")
            return super().wsgi_app(environ, start_response)

    class Deeper(Logged):
        pass

    app = Deeper(__name__)
    app.get("/text")(lambda: "hello")
    inner = app.wsgi_app

    def middleware(environ: t.Any, start_response: t.Any) -> t.Any:
        log.append("middleware")
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]
    assert call(app, plain_environ()) == ("200 OK", b"hello")
    assert log == ["middleware", "subclass"]
    assert Deeper.wsgi_app is Logged.__dict__["wsgi_app"]


def test_wsgi_app_reads_like_a_method_until_replaced() -> None:
    app = make_app()
    assert Erlen.wsgi_app.__name__ == "wsgi_app"
    bound = app.wsgi_app
    assert bound.__self__ is app  # type: ignore[attr-defined]
    assert bound == app.wsgi_app
    with pytest.raises(AttributeError):
        del app.wsgi_app  # nothing was assigned
    other = make_app()
    app.wsgi_app = other  # type: ignore[assignment,method-assign]
    assert app.wsgi_app is other
    # the assigned application answers; this app's own routes are not asked
    other.get("/only-other")(lambda: "other")
    assert call(app, plain_environ("/only-other")) == ("200 OK", b"other")
    del app.wsgi_app
    assert call(app, plain_environ("/only-other"))[0] == "404 NOT FOUND"
    assert call(app, plain_environ()) == ("200 OK", b"hello")


@pytest.mark.parametrize(
    "path", ["//text", "///text", "text", "", "/text/", "//dict/3", "/dict//3", "/"]
)
@pytest.mark.parametrize("method", ["GET", "get", "HEAD", "POST"])
def test_raw_paths_agree_on_both_paths(path: str, method: str) -> None:
    def run() -> tuple[str, list[tuple[str, str]], bytes]:
        environ = plain_environ(path)
        environ["REQUEST_METHOD"] = method
        seen: list[tuple[str, list[tuple[str, str]]]] = []
        body = make_app()(environ, lambda *args: seen.append(args))
        return seen[0][0], seen[0][1], b"".join(body)

    fast = run()
    with signals.appcontext_popped.connected_to(_noop):
        general = run()
    assert fast == general


def test_a_context_built_by_init_has_its_own_token_list() -> None:
    from erlen.ctx import RequestContext

    app = make_app()
    ctx = RequestContext(app, plain_environ())
    assert ctx._cv_tokens == [] and "_cv_tokens" in vars(ctx)
    # read on the class, the attribute is the descriptor the fast path relies on
    assert type(RequestContext._cv_tokens).__name__ == "_FastPushTokens"
    with ctx:
        assert len(ctx._cv_tokens) == 1
    assert ctx._cv_tokens == []
