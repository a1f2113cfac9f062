"""Differential tests: the same rules and paths through Werkzeug and erlen."""

from __future__ import annotations

import typing as t
import uuid
import warnings

import pytest
import werkzeug.exceptions as wz_exceptions
import werkzeug.routing as wz
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

import erlen.exceptions as er_exceptions
import erlen.routing as er

RuleSpec = tuple[str, dict[str, t.Any]]


def _build_maps(specs: list[RuleSpec], **map_kwargs: t.Any) -> tuple[wz.Map, er.Map]:
    wz_map = wz.Map([wz.Rule(rule, **kw) for rule, kw in specs], **map_kwargs)
    er_map = er.Map([er.Rule(rule, **kw) for rule, kw in specs], **map_kwargs)
    return wz_map, er_map


def _outcome(
    module: t.Any, exceptions: t.Any, adapter: t.Any, path: str, method: str
) -> tuple[t.Any, ...]:
    try:
        endpoint, values = adapter.match(path, method)
    except module.RequestRedirect as exc:
        return ("redirect", exc.new_url)
    except exceptions.MethodNotAllowed as exc:
        return ("405", sorted(exc.valid_methods))
    except module.WebsocketMismatch:
        return ("websocket",)
    except exceptions.NotFound:
        return ("404",)
    return ("match", endpoint, values)


def _compare(
    maps: tuple[wz.Map, er.Map],
    path: str,
    method: str = "GET",
    **bind: t.Any,
) -> tuple[t.Any, ...]:
    wz_map, er_map = maps
    bind.setdefault("server_name", "example.com")
    expected = _outcome(wz, wz_exceptions, wz_map.bind(**bind), path, method)
    actual = _outcome(er, er_exceptions, er_map.bind(**bind), path, method)
    assert actual == expected, (path, method)
    return actual


GENERAL: list[RuleSpec] = [
    ("/", {"endpoint": "index"}),
    ("/about", {"endpoint": "about"}),
    ("/docs/", {"endpoint": "docs"}),
    ("/docs/<path:page>", {"endpoint": "docs_page"}),
    ("/files/<path:name>/", {"endpoint": "file_dir"}),
    ("/files/<path:name>/edit", {"endpoint": "file_edit"}),
    ("/users/<int:id>", {"endpoint": "user"}),
    ("/users/<int:id>/", {"endpoint": "user_dir", "methods": ["POST"]}),
    ("/users/<name>", {"endpoint": "user_by_name"}),
    ("/users/me", {"endpoint": "me", "methods": ["PUT"]}),
    ("/n/<int(signed=True):n>", {"endpoint": "signed"}),
    ("/n/<float:f>", {"endpoint": "float"}),
    ("/r/<int(min=3, max=9):r>", {"endpoint": "ranged"}),
    ("/r/<s>", {"endpoint": "ranged_fallback"}),
    ("/d/<int(fixed_digits=4):year>", {"endpoint": "year"}),
    ("/any/<any(a, b, 'c d'):choice>", {"endpoint": "any"}),
    ("/u/<uuid:u>", {"endpoint": "uuid"}),
    ("/s/<string(length=2):two>", {"endpoint": "two"}),
    ("/s/<string(minlength=3, maxlength=4):few>", {"endpoint": "few"}),
    ("/mix/<a>.<b>", {"endpoint": "dotted"}),
    ("/mix/x<int:n>y", {"endpoint": "affix"}),
    ("/mix/<path:p>/<int:n>/end", {"endpoint": "path_then_int"}),
    ("/m", {"endpoint": "m_get", "methods": ["GET"]}),
    ("/m", {"endpoint": "m_post", "methods": ["POST", "DELETE"]}),
    ("/lenient/", {"endpoint": "lenient", "strict_slashes": False}),
    ("/leaf-lenient", {"endpoint": "leaf_lenient", "strict_slashes": False}),
    ("/nomerge/<a>/x", {"endpoint": "nomerge", "merge_slashes": False}),
    ("/old/<int:id>", {"endpoint": "old", "redirect_to": "new/<id>"}),
    ("/older", {"endpoint": "older", "redirect_to": lambda a, **kw: "/about"}),
    ("/page/", {"endpoint": "page", "defaults": {"n": 1}}),
    ("/page/<int:n>", {"endpoint": "page"}),
    ("/alias/<int:id>", {"endpoint": "user", "alias": True}),
    ("/ws", {"endpoint": "ws", "websocket": True}),
    ("/build-only/<x>", {"endpoint": "bo", "build_only": True}),
    ("/mixed", {"endpoint": "mixed_strict", "methods": ["PUT"]}),
    ("/mixed", {"endpoint": "mixed_lenient", "strict_slashes": False}),
    ("/mixed-ws", {"endpoint": "mixed_ws", "strict_slashes": False, "websocket": True}),
    ("//double", {"endpoint": "double"}),
    ("/lm", {"endpoint": "lm", "strict_slashes": False, "methods": ["GET"]}),
    ("/onlypost/", {"endpoint": "onlypost", "methods": ["POST"]}),
    ("/ns/", {"endpoint": "ns", "strict_slashes": False}),
]

GENERAL_PATHS = [
    "",
    "/",
    "//",
    "/about",
    "/about/",
    "//about",
    "/docs",
    "/docs/",
    "/docs/a",
    "/docs/a/b/c",
    "/docs/a//b",
    "/docs///",
    "/docs////a",
    "/files//a",
    "/files/a///",
    "/mixed",
    "/mixed/",
    "/mixed-ws/",
    "/files/a/b",
    "/files/a/b/",
    "/files/a/b//",
    "/files/a/edit",
    "/files/a/b/edit",
    "/users/12",
    "/users/12/",
    "/users/bob",
    "/users/me",
    "/users/",
    "/users//12",
    "/n/-5",
    "/n/5",
    "/n/1.5",
    "/n/-1.5",
    "/n/1.",
    "/r/2",
    "/r/5",
    "/r/10",
    "/d/2024",
    "/d/24",
    "/d/02024",
    "/any/a",
    "/any/c d",
    "/any/e",
    "/u/" + str(uuid.UUID(int=7)),
    "/u/not-a-uuid",
    "/s/ab",
    "/s/abc",
    "/s/abcde",
    "/mix/a.b",
    "/mix/a.b.c",
    "/mix/x5y",
    "/mix/q/r/5/end",
    "/mix/q/5/end",
    "/m",
    "/lenient",
    "/lenient/",
    "/leaf-lenient",
    "/leaf-lenient/",
    "/nomerge/a/x",
    "/nomerge//a/x",
    "/nomerge/a//x",
    "/old/5",
    "/older",
    "/page/",
    "/page/1",
    "/page/2",
    "/alias/3",
    "/ws",
    "/build-only/x",
    "//double",
    "/lm",
    "/lm/",
    "/onlypost",
    "/onlypost/",
    "/ns",
    "/ns/",
    "/double",
    "/%41",
    "/\x00",
    "/über",
    "/users/١٢",
]


@pytest.fixture(scope="module")
def general() -> tuple[wz.Map, er.Map]:
    return _build_maps(GENERAL)


@pytest.mark.parametrize("path", GENERAL_PATHS)
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "HEAD", "OPTIONS"])
def test_match_same_as_werkzeug(
    general: tuple[wz.Map, er.Map], path: str, method: str
) -> None:
    _compare(general, path, method)


@pytest.mark.parametrize("path", ["/about", "/docs", "/page/1", "/alias/3", "/old/1"])
def test_redirects_keep_script_name_and_query(
    general: tuple[wz.Map, er.Map], path: str
) -> None:
    outcome = _compare(
        general, path, script_name="/app", query_args="a=1&b=%20", url_scheme="https"
    )
    assert outcome[0] in {"redirect", "match"}
    _compare(general, path, script_name="/app/", query_args={"q": ["1", "2"]})
    _compare(general, path, query_args=MultiDict([("x", "1"), ("x", "2")]))


def test_websocket_matching_same_as_werkzeug(general: tuple[wz.Map, er.Map]) -> None:
    wz_map, er_map = general
    for path in ["/ws", "/about", "/nope"]:
        for scheme in ["ws", "wss", "http"]:
            expected = _outcome(
                wz, wz_exceptions, wz_map.bind("x", url_scheme=scheme), path, "GET"
            )
            actual = _outcome(
                er, er_exceptions, er_map.bind("x", url_scheme=scheme), path, "GET"
            )
            assert actual == expected


PRIORITY: list[RuleSpec] = [
    ("/<a>/<b>", {"endpoint": "two_strings"}),
    ("/<int:a>/<b>", {"endpoint": "int_string"}),
    ("/<a>/static", {"endpoint": "string_static"}),
    ("/<path:p>", {"endpoint": "path"}),
    ("/static/<path:p>", {"endpoint": "static_path"}),
    ("/static/<int:i>", {"endpoint": "static_int"}),
    ("/<float:f>", {"endpoint": "float"}),
    ("/<int:i>", {"endpoint": "int"}),
    ("/x-<a>", {"endpoint": "prefixed"}),
    ("/<a>-<b>", {"endpoint": "dashed"}),
]


@pytest.mark.parametrize(
    "path",
    [
        "/1/2",
        "/a/2",
        "/1/static",
        "/a/static",
        "/static/5",
        "/static/a/b",
        "/1.5",
        "/15",
        "/x-y",
        "/q-r",
        "/a/b/c",
        "/a",
    ],
)
def test_priority_same_as_werkzeug(path: str) -> None:
    maps = _build_maps(PRIORITY)
    _compare(maps, path)
    reversed_maps = _build_maps(PRIORITY[::-1])
    _compare(reversed_maps, path)


DOMAINS: list[RuleSpec] = [
    ("/", {"endpoint": "root"}),
    ("/", {"endpoint": "api_root", "subdomain": "api"}),
    ("/u/<int:id>", {"endpoint": "user", "subdomain": "<user>"}),
    ("/www-only", {"endpoint": "www", "subdomain": "www"}),
]


@pytest.mark.parametrize("subdomain", ["", "api", "bob", "www"])
@pytest.mark.parametrize("path", ["/", "/u/3", "/www-only", "/nope"])
def test_subdomain_matching_same_as_werkzeug(subdomain: str, path: str) -> None:
    maps = _build_maps(DOMAINS)
    _compare(maps, path, subdomain=subdomain)


HOSTS: list[RuleSpec] = [
    ("/", {"endpoint": "main", "host": "example.com"}),
    ("/", {"endpoint": "other", "host": "<name>.example.org"}),
    ("/p/<int:n>", {"endpoint": "port", "host": "example.com:<int:port>"}),
]


@pytest.mark.parametrize(
    "host", ["example.com", "a.example.org", "example.com:8080", "nope.net"]
)
@pytest.mark.parametrize("path", ["/", "/p/1"])
def test_host_matching_same_as_werkzeug(host: str, path: str) -> None:
    maps = _build_maps(HOSTS, host_matching=True)
    _compare(maps, path, server_name=host)


@pytest.mark.parametrize(
    ("map_kwargs", "path"),
    [
        ({"strict_slashes": False}, "/docs"),
        ({"strict_slashes": False}, "/about/"),
        ({"merge_slashes": False}, "/docs//a"),
        ({"merge_slashes": False}, "//about"),
        ({"merge_slashes": False}, "/about//"),
        ({"redirect_defaults": False}, "/page/1"),
        ({"redirect_defaults": False}, "/alias/3"),
    ],
)
def test_map_settings_same_as_werkzeug(map_kwargs: dict[str, t.Any], path: str) -> None:
    maps = _build_maps(GENERAL, **map_kwargs)
    _compare(maps, path)


def _build_outcome(adapter: t.Any, module: t.Any, args: tuple[t.Any, ...]) -> str:
    endpoint, values, *rest = args
    kwargs = rest[0] if rest else {}
    try:
        return str(adapter.build(endpoint, values, **kwargs))
    except module.BuildError as exc:
        return f"BuildError: {exc}"
    except ValueError as exc:
        return f"ValueError: {exc}"


BUILDS: list[tuple[t.Any, ...]] = [
    ("index", {}),
    ("index", {"q": "a b", "n": None}),
    ("about", {"x": [1, 2], "y": ("3",)}),
    ("docs_page", {"page": "a/b c"}),
    ("file_dir", {"name": "x/y"}),
    ("user", {"id": 5}),
    ("user", {"id": 5}, {"method": "POST"}),
    ("user", {"id": 5}, {"force_external": True}),
    ("user", {"id": 5}, {"url_scheme": "https", "force_external": True}),
    ("user", {}),
    ("user", {"id": 5}, {"method": "PATCH"}),
    ("user_dir", {"id": 5}),
    ("user_by_name", {"name": "a?b#c%d"}),
    ("year", {"year": 7}),
    ("ranged", {"r": 4}),
    ("any", {"choice": "c d"}),
    ("any", {"choice": "zz"}),
    ("uuid", {"u": uuid.UUID(int=1)}),
    ("float", {"f": 2.5}),
    ("dotted", {"a": "x", "b": "y"}),
    ("affix", {"n": 3}),
    ("m_get", {}),
    ("m_post", {}, {"method": "DELETE"}),
    ("page", {}),
    ("page", {"n": 1}),
    ("page", {"n": 2}),
    ("page", {"n": 2, "extra": "1"}),
    ("page", {"n": 2}, {"append_unknown": False}),
    ("ws", {}),
    ("ws", {}, {"url_scheme": "https"}),
    ("bo", {"x": "y"}),
    ("indx", {}),
    ("user", {"name": "bob"}),
    ("user", MultiDict([("id", "5"), ("k", "1"), ("k", "2"), ("e", None)])),
    ("m_get", {}, {"method": "POST"}),
]


@pytest.mark.parametrize("args", BUILDS)
def test_build_same_as_werkzeug(
    general: tuple[wz.Map, er.Map], args: tuple[t.Any, ...]
) -> None:
    wz_map, er_map = general
    for bind in ({}, {"script_name": "/app"}, {"subdomain": "api"}):
        expected = _build_outcome(wz_map.bind("example.com", **bind), wz, args)
        actual = _build_outcome(er_map.bind("example.com", **bind), er, args)
        assert actual == expected


@pytest.mark.parametrize(
    ("endpoint", "values"),
    [
        ("root", {}),
        ("api_root", {}),
        ("user", {"id": 1, "user": "bob"}),
        ("user", {"id": 1}),
        ("www", {}),
    ],
)
@pytest.mark.parametrize("subdomain", ["", "api", "bob"])
def test_build_subdomain_same_as_werkzeug(
    endpoint: str, values: dict[str, t.Any], subdomain: str
) -> None:
    wz_map, er_map = _build_maps(DOMAINS)
    expected = _build_outcome(
        wz_map.bind("example.com", subdomain=subdomain), wz, (endpoint, values)
    )
    actual = _build_outcome(
        er_map.bind("example.com", subdomain=subdomain), er, (endpoint, values)
    )
    assert actual == expected


@pytest.mark.parametrize(
    ("endpoint", "values"),
    [("main", {}), ("other", {"name": "x"}), ("port", {"n": 1, "port": 81})],
)
@pytest.mark.parametrize("host", ["example.com", "x.example.org"])
def test_build_host_same_as_werkzeug(
    endpoint: str, values: dict[str, t.Any], host: str
) -> None:
    wz_map, er_map = _build_maps(HOSTS, host_matching=True)
    expected = _build_outcome(wz_map.bind(host), wz, (endpoint, values))
    actual = _build_outcome(er_map.bind(host), er, (endpoint, values))
    assert actual == expected


def test_sorted_parameters_same_as_werkzeug() -> None:
    for kwargs in (
        {"sort_parameters": True},
        {"sort_parameters": True, "sort_key": lambda item: item[0][::-1]},
    ):
        wz_map, er_map = _build_maps(GENERAL, **kwargs)
        values = {"z": "1", "a": ["3", "2"], "m": "x"}
        assert er_map.bind("x").build("index", values) == wz_map.bind("x").build(
            "index", values
        )


def test_repr_same_as_werkzeug() -> None:
    specs = [spec for spec in GENERAL if "methods" not in spec[1]] + DOMAINS
    wz_map, er_map = _build_maps(specs)
    assert repr(er_map) == repr(wz_map)
    assert [str(rule) for rule in er_map.iter_rules()] == [
        str(rule) for rule in wz_map.iter_rules()
    ]


@pytest.mark.parametrize(
    "environ_extra",
    [
        {"HTTP_HOST": "example.com"},
        {"HTTP_HOST": "api.example.com"},
        {"HTTP_HOST": "a.b.example.com:80"},
        {"SERVER_NAME": "example.com", "SERVER_PORT": "8080"},
        {
            "HTTP_HOST": "example.com",
            "HTTP_CONNECTION": "keep-alive, Upgrade",
            "HTTP_UPGRADE": "websocket",
        },
    ],
)
@pytest.mark.parametrize("server_name", [None, "example.com", "EXAMPLE.com:80"])
def test_bind_to_environ_same_as_werkzeug(
    environ_extra: dict[str, str], server_name: str | None
) -> None:
    environ = {
        "wsgi.url_scheme": "http",
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "/app",
        "PATH_INFO": "/caf\xc3\xa9",
        "QUERY_STRING": "a=1",
        "SERVER_NAME": "fallback",
        "SERVER_PORT": "80",
        **environ_extra,
    }
    wz_map, er_map = _build_maps(DOMAINS)
    with warnings.catch_warnings(record=True) as wz_warnings:
        warnings.simplefilter("always")
        wz_adapter = wz_map.bind_to_environ(environ, server_name=server_name)
    with warnings.catch_warnings(record=True) as er_warnings:
        warnings.simplefilter("always")
        er_adapter = er_map.bind_to_environ(environ, server_name=server_name)
    assert [str(w.message) for w in er_warnings] == [
        str(w.message) for w in wz_warnings
    ]
    for name in (
        "server_name",
        "script_name",
        "subdomain",
        "url_scheme",
        "path_info",
        "default_method",
        "query_args",
    ):
        assert getattr(er_adapter, name) == getattr(wz_adapter, name), name


def test_bind_to_environ_warns_on_foreign_host_like_werkzeug() -> None:
    environ = {
        "wsgi.url_scheme": "http",
        "REQUEST_METHOD": "GET",
        "HTTP_HOST": "10.0.0.1",
    }
    wz_map, er_map = _build_maps(DOMAINS)
    with pytest.warns(UserWarning, match="doesn't match configured"):
        expected = wz_map.bind_to_environ(environ, server_name="example.com")
    with pytest.warns(UserWarning, match="doesn't match configured"):
        actual = er_map.bind_to_environ(environ, server_name="example.com")
    assert actual.subdomain == expected.subdomain == "<invalid>"


_SEGMENTS = st.sampled_from(
    [
        "",
        "a",
        "b",
        "about",
        "docs",
        "files",
        "users",
        "12",
        "-3",
        "1.5",
        "me",
        "x5y",
        "a.b",
        "edit",
        "end",
        "static",
        "page",
        "m",
        "lenient",
        "nomerge",
        "x",
        "c d",
        "%20",
        "\x00",
        "é",
        "old",
        "alias",
        "ws",
        "r",
        "n",
        "s",
        "ab",
        "mix",
        "any",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    segments=st.lists(_SEGMENTS, max_size=6),
    method=st.sampled_from(["GET", "POST", "PUT"]),
    leading=st.sampled_from(["/", "", "//"]),
)
def test_random_paths_same_as_werkzeug(
    segments: list[str], method: str, leading: str
) -> None:
    maps = _GENERAL_MAPS
    _compare(maps, leading + "/".join(segments), method)
    _compare(_PRIORITY_MAPS, leading + "/".join(segments), method)


_GENERAL_MAPS = _build_maps(GENERAL)
_PRIORITY_MAPS = _build_maps(PRIORITY)


@settings(max_examples=300, deadline=None)
@given(
    segments=st.lists(_SEGMENTS, max_size=6),
    method=st.sampled_from(["GET", "POST", "PUT", "HEAD"]),
)
def test_match_path_agrees_with_adapter(segments: list[str], method: str) -> None:
    er_map = _GENERAL_MAPS[1]
    path = "/" + "/".join(segments)
    adapter = er_map.bind("example.com")
    try:
        expected: t.Any = adapter.match(path, method, return_rule=True)
    except (er.RequestRedirect, er.WebsocketMismatch):
        expected = er.NeedsAdapter
    except er_exceptions.HTTPException as exc:
        expected = (type(exc), getattr(exc, "valid_methods", None))
    try:
        actual: t.Any = er_map.match_path(path, method)
    except er.NeedsAdapter:
        actual = er.NeedsAdapter
    except er_exceptions.HTTPException as exc:
        actual = (type(exc), getattr(exc, "valid_methods", None))
    assert actual == expected
