"""MapAdapter: matching with redirects, dispatch, building and URL helpers."""

from __future__ import annotations

import typing as t

import pytest
from werkzeug.datastructures import MultiDict

from erlen.exceptions import HTTPException
from erlen.exceptions import MethodNotAllowed
from erlen.exceptions import NotFound
from erlen.routing import BuildError
from erlen.routing import Map
from erlen.routing import MapAdapter
from erlen.routing import RequestRedirect
from erlen.routing import Rule
from erlen.routing import WebsocketMismatch


def make_map(**kwargs: t.Any) -> Map:
    return Map(
        [
            Rule("/", endpoint="index"),
            Rule("/items/", endpoint="items"),
            Rule("/items/<int:id>", endpoint="item", methods=["GET", "POST"]),
            Rule("/go/<int:id>", endpoint="go", redirect_to="items/<id>"),
            Rule(
                "/fn/<int:id>",
                endpoint="fn",
                redirect_to=lambda adapter, id: f"/items/{id + 1}",
            ),
            Rule("/ws", endpoint="ws", websocket=True),
        ],
        **kwargs,
    )


def test_match_returns_endpoint_or_rule() -> None:
    adapter = make_map().bind("example.com", path_info="/items/3")
    assert adapter.match() == ("item", {"id": 3})
    rule, values = adapter.match(return_rule=True)
    assert isinstance(rule, Rule)
    assert rule.endpoint == "item"
    assert adapter.match("/items/4", "post") == ("item", {"id": 4})


@pytest.mark.parametrize(
    ("bind", "path", "location"),
    [
        ({}, "/items", "http://example.com/items/"),
        ({"subdomain": "www"}, "/go/3", "http://www.example.com/items/3"),
        ({"script_name": "/app"}, "/go/3", "http://example.com/app/items/3"),
        ({}, "/fn/3", "http://example.com/items/4"),
        ({"query_args": "a=1"}, "/items", "http://example.com/items/?a=1"),
        (
            {"query_args": {"a": ["1", None, "2"], "b": None}},
            "/items",
            "http://example.com/items/?a=1&a=2",
        ),
        (
            {"query_args": MultiDict([("k", "1"), ("k", "2")])},
            "/items",
            "http://example.com/items/?k=1&k=2",
        ),
    ],
)
def test_match_raises_redirects(
    bind: dict[str, t.Any], path: str, location: str
) -> None:
    url_map = make_map()
    if "subdomain" in bind:
        url_map.add(
            Rule(
                "/go/<int:id>",
                endpoint="go_www",
                subdomain="www",
                redirect_to="items/<id>",
            )
        )
    with pytest.raises(RequestRedirect) as info:
        url_map.bind("example.com", **bind).match(path)
    assert info.value.new_url == location
    assert info.value.code == 308


def test_match_websocket_mismatch() -> None:
    adapter = make_map().bind("example.com")
    with pytest.raises(WebsocketMismatch):
        adapter.match("/ws")
    assert adapter.match("/ws", websocket=True) == ("ws", {})
    assert make_map().bind("example.com", url_scheme="wss").match("/ws") == ("ws", {})


def test_dispatch_calls_the_view_and_returns_redirects() -> None:
    adapter = make_map().bind("example.com")

    def view(endpoint: t.Any, values: t.Mapping[str, t.Any]) -> str:
        return f"{endpoint}:{dict(values)}"

    assert adapter.dispatch(view, "/items/2") == "item:{'id': 2}"
    redirect = adapter.dispatch(view, "/items")
    assert isinstance(redirect, RequestRedirect)
    with pytest.raises(NotFound):
        adapter.dispatch(view, "/nope")
    assert isinstance(
        adapter.dispatch(view, "/nope", catch_http_exceptions=True), NotFound
    )


def test_test_and_allowed_methods() -> None:
    adapter = make_map().bind("example.com")
    assert adapter.test("/items/1")
    assert adapter.test("/items")
    assert not adapter.test("/nope")
    assert sorted(adapter.allowed_methods("/items/1")) == ["GET", "HEAD", "POST"]
    assert adapter.allowed_methods("/nope") == []
    assert adapter.allowed_methods("/") == []


def test_get_host() -> None:
    adapter = make_map().bind("example.com", subdomain="www")
    assert adapter.get_host(None) == "www.example.com"
    assert adapter.get_host("") == "example.com"
    assert adapter.get_host("api") == "api.example.com"
    host_adapter = Map(host_matching=True).bind("example.com")
    assert host_adapter.get_host(None) == "example.com"
    assert host_adapter.get_host("other.org") == "other.org"


def test_make_redirect_url_and_encode_query_args() -> None:
    adapter = make_map().bind("example.com", script_name="/app/", url_scheme="https")
    assert adapter.make_redirect_url("/x y") == "https://example.com/app/x y"
    assert (
        adapter.make_redirect_url("x", {"a": "b c"}, "api")
        == "https://api.example.com/app/x?a=b+c"
    )
    assert adapter.encode_query_args("raw=1") == "raw=1"
    assert adapter.encode_query_args({"a": (1, 2), "b": "?/"}) == "a=1&a=2&b=?/"


def test_get_default_redirect_ignores_rules_not_in_the_map() -> None:
    url_map = Map(
        [
            Rule("/page/", endpoint="page", defaults={"n": 1}),
            Rule("/page/<int:n>", endpoint="page"),
        ]
    )
    adapter = url_map.bind("example.com")
    stranger = Rule("/x/<int:n>", endpoint="page")
    Map([stranger])
    assert (
        adapter.get_default_redirect(stranger, "GET", {"n": 1}, {})
        == "http://example.com/page/"
    )
    assert adapter.get_default_redirect(stranger, "GET", {"n": 2}, {}) is None
    with pytest.raises(RequestRedirect):
        adapter.match("/page/1")


def test_default_redirect_skips_providers_that_cannot_build() -> None:
    from erlen.routing import BaseConverter
    from erlen.routing import ValidationError

    class Refuses(BaseConverter):
        def to_url(self, value: t.Any) -> str:
            raise ValidationError()

    url_map = Map(
        [
            Rule("/r/<no:x>/", endpoint="r", defaults={"y": 1}),
            Rule("/r/<no:x>/<int:y>", endpoint="r"),
        ],
        converters={"no": Refuses},
    )
    assert url_map.bind("h").match("/r/a/1") == ("r", {"x": "a", "y": 1})


def test_alias_redirects_to_the_canonical_url() -> None:
    url_map = Map(
        [Rule("/a/<int:x>", endpoint="a"), Rule("/b/<int:x>", endpoint="a", alias=True)]
    )
    with pytest.raises(RequestRedirect) as info:
        url_map.bind("h").match("/b/1", query_args={"q": "1"})
    assert info.value.new_url == "http://h/a/1?q=1"


def test_alias_without_canonical_rule_is_a_setup_error() -> None:
    url_map = Map([Rule("/b", endpoint="b", alias=True)])
    adapter = url_map.bind("h")
    with pytest.raises(AssertionError, match="invalid alias setting"):
        adapter.make_alias_redirect_url("http://h/b", "b", {}, "GET", {})


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "/app/items/5"),
        ({"force_external": True}, "http://example.com/app/items/5"),
        (
            {"force_external": True, "url_scheme": "https"},
            "https://example.com/app/items/5",
        ),
        (
            {"force_external": True, "url_scheme": "wss"},
            "https://example.com/app/items/5",
        ),
        ({"force_external": True, "url_scheme": ""}, "http://example.com/app/items/5"),
    ],
)
def test_build_external_urls(kwargs: dict[str, t.Any], expected: str) -> None:
    adapter = make_map().bind("example.com", script_name="/app")
    assert adapter.build("item", {"id": 5}, **kwargs) == expected


def test_build_websocket_and_schemeless() -> None:
    assert make_map().bind("example.com").build("ws") == "ws://example.com/ws"
    assert (
        make_map().bind("example.com", url_scheme="https").build("ws")
        == "wss://example.com/ws"
    )
    adapter = MapAdapter(make_map(), "example.com", "/", "", "", "/", "GET")
    assert (
        adapter.build("item", {"id": 1}, force_external=True) == "//example.com/items/1"
    )


def test_build_with_host_matching_prefers_the_bound_host() -> None:
    url_map = Map(
        [
            Rule("/", endpoint="home", host="a.example"),
            Rule("/", endpoint="home", host="b.example"),
            Rule("/only-c", endpoint="c", host="c.example"),
        ],
        host_matching=True,
    )
    assert url_map.bind("b.example").build("home") == "/"
    assert url_map.bind("z.example").build("home") == "http://a.example/"
    assert url_map.bind("a.example").build("c") == "http://c.example/only-c"


def test_build_errors() -> None:
    adapter = make_map().bind("example.com")
    with pytest.raises(BuildError) as info:
        adapter.build("item")
    assert "Did you forget to specify values ['id']?" in str(info.value)
    with pytest.raises(BuildError, match="Did you mean to use methods"):
        adapter.build("item", {"id": 1}, method="DELETE")
    with pytest.raises(BuildError, match="Did you mean 'item' instead"):
        adapter.build("itme", {"id": 1})
    with pytest.raises(LookupError):
        adapter.build("nothing")


def test_match_path_and_adapter_are_independent_of_request_state() -> None:
    url_map = make_map()
    adapter = url_map.bind("example.com")
    for _ in range(3):
        assert url_map.match_path("/items/1", "GET")[1] == {"id": 1}
        assert adapter.match("/items/1") == ("item", {"id": 1})
    with pytest.raises(MethodNotAllowed):
        adapter.match("/items/1", "DELETE")
    assert isinstance(MethodNotAllowed(), HTTPException)


def test_build_skips_rules_whose_converter_refuses_the_value() -> None:
    from erlen.routing import BaseConverter
    from erlen.routing import ValidationError

    class EvenOnly(BaseConverter):
        def to_url(self, value: t.Any) -> str:
            if int(value) % 2:
                raise ValidationError()
            return str(value)

    url_map = Map(
        [Rule("/even/<even:n>", endpoint="n"), Rule("/any/<int:n>", endpoint="n")],
        converters={"even": EvenOnly},
    )
    adapter = url_map.bind("h")
    assert adapter.build("n", {"n": 2}) == "/even/2"
    assert adapter.build("n", {"n": 3}) == "/any/3"
    only_even = Map(
        [Rule("/even/<even:n>", endpoint="n")], converters={"even": EvenOnly}
    )
    with pytest.raises(BuildError):
        only_even.bind("h").build("n", {"n": 3})
