"""Map: registration, lazy compilation, binding and the match_path hot path."""

from __future__ import annotations

import threading
import typing as t

import pytest

from erlen.exceptions import BadHost
from erlen.exceptions import MethodNotAllowed
from erlen.exceptions import NotFound
from erlen.routing import Map
from erlen.routing import NeedsAdapter
from erlen.routing import Rule


def make_app_map() -> Map:
    return Map(
        [
            Rule("/", endpoint="index"),
            Rule("/about", endpoint="about", methods=["GET", "OPTIONS"]),
            Rule("/about", endpoint="about_post", methods=["POST"]),
            Rule("/items/", endpoint="items"),
            Rule("/items/<int:id>", endpoint="item", methods=["GET", "DELETE"]),
            Rule("/items/<int:id>/<path:rest>", endpoint="item_rest"),
            Rule("/kind/", endpoint="kind", defaults={"kind": "all"}),
            Rule("/kind/<kind>", endpoint="kind"),
            Rule("/dflt", endpoint="dflt", defaults={"a": 1}),
            Rule("/static-get", endpoint="sg", methods=["GET"]),
            Rule("/<name>", endpoint="by_name", methods=["POST"]),
            Rule("/old", endpoint="old", redirect_to="/about"),
            Rule("/alias/<int:id>", endpoint="item", alias=True),
            Rule("/ws", endpoint="ws", websocket=True),
            Rule("/ws-and-http", endpoint="wsh", websocket=True),
            Rule("/ws-and-http", endpoint="wsh_http"),
            Rule("/", endpoint="api", subdomain="api"),
        ]
    )


@pytest.mark.parametrize(
    ("path", "method", "domain", "endpoint", "values"),
    [
        ("/", "GET", "", "index", {}),
        ("/", "HEAD", "", "index", {}),
        ("/", "GET", "api", "api", {}),
        ("/about", "GET", "", "about", {}),
        ("/about", "POST", "", "about_post", {}),
        ("/about", "OPTIONS", "", "about", {}),
        ("/items/", "GET", "", "items", {}),
        ("/items/12", "DELETE", "", "item", {"id": 12}),
        ("/items/12/a/b", "GET", "", "item_rest", {"id": 12, "rest": "a/b"}),
        ("/kind/", "GET", "", "kind", {"kind": "all"}),
        ("/kind/x", "GET", "", "kind", {"kind": "x"}),
        ("/dflt", "GET", "", "dflt", {"a": 1}),
        ("/static-get", "POST", "", "by_name", {"name": "static-get"}),
        ("/ws-and-http", "GET", "", "wsh_http", {}),
        ("//", "GET", "", "index", {}),
        ("///items/3", "GET", "", "item", {"id": 3}),
    ],
)
def test_match_path_returns_rule_and_values(
    path: str, method: str, domain: str, endpoint: str, values: dict[str, t.Any]
) -> None:
    rule, result = make_app_map().match_path(path, method, domain)
    assert rule.endpoint == endpoint
    assert result == values


def test_match_path_returns_a_fresh_dict_for_defaults() -> None:
    url_map = make_app_map()
    first = url_map.match_path("/dflt", "GET")[1]
    first["a"] = 2
    assert url_map.match_path("/dflt", "GET")[1] == {"a": 1}


@pytest.mark.parametrize(
    ("path", "method", "allowed"),
    [
        ("/about", "PUT", ["GET", "HEAD", "OPTIONS", "POST"]),
        ("/items/3", "POST", ["DELETE", "GET", "HEAD"]),
        ("/anything", "GET", ["POST"]),
        ("/static-get", "PUT", ["GET", "HEAD", "POST"]),
    ],
)
def test_match_path_method_not_allowed_lists_sorted_methods(
    path: str, method: str, allowed: list[str]
) -> None:
    with pytest.raises(MethodNotAllowed) as info:
        make_app_map().match_path(path, method)
    assert info.value.valid_methods == allowed


@pytest.mark.parametrize(
    ("path", "domain"),
    [("/items/x", ""), ("/a/b", ""), ("/about", "api"), ("/items/0/", "")],
)
def test_match_path_not_found(path: str, domain: str) -> None:
    with pytest.raises(NotFound):
        make_app_map().match_path(path, "GET", domain)


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/items", "GET"),
        ("/kind/all", "GET"),
        ("/old", "GET"),
        ("/alias/3", "GET"),
        ("/items//3", "GET"),
        ("", "GET"),
    ],
)
def test_match_path_asks_for_the_adapter_on_redirects(path: str, method: str) -> None:
    url_map = make_app_map()
    with pytest.raises(NeedsAdapter):
        url_map.match_path(path, method)


def test_match_path_static_rule_needing_redirect_asks_for_the_adapter() -> None:
    url_map = Map(
        [Rule("/a", endpoint="a", redirect_to="/b"), Rule("/b", endpoint="b")]
    )
    with pytest.raises(NeedsAdapter):
        url_map.match_path("/a", "GET")


def test_match_path_websocket_only_rule_asks_for_the_adapter() -> None:
    url_map = Map([Rule("/ws", endpoint="ws", websocket=True)])
    with pytest.raises(NeedsAdapter):
        url_map.match_path("/ws", "GET")
    with pytest.raises(NotFound):
        url_map.match_path("/other", "GET")


def test_needs_adapter_only_without_redirect_defaults() -> None:
    url_map = Map(
        [
            Rule("/kind/", endpoint="kind", defaults={"kind": "all"}),
            Rule("/kind/<kind>", endpoint="kind"),
            Rule("/alias", endpoint="kind", alias=True, defaults={"kind": "z"}),
        ],
        redirect_defaults=False,
    )
    assert url_map.match_path("/kind/all", "GET")[1] == {"kind": "all"}
    assert url_map.match_path("/alias", "GET")[1] == {"kind": "z"}


def test_lazy_compile_and_add_invalidates() -> None:
    url_map = Map([Rule("/a", endpoint="a")])
    assert not url_map.__dict__["_matcher"]
    url_map.match_path("/a", "GET")
    compiled = url_map._matcher
    assert compiled is not None
    url_map.match_path("/a", "GET")
    assert url_map._matcher is compiled
    url_map.add(Rule("/b/<int:x>", endpoint="b"))
    assert url_map.__dict__["_matcher"] is None
    assert url_map.match_path("/b/1", "GET")[1] == {"x": 1}
    assert url_map._matcher is not compiled


def test_concurrent_first_match_compiles_once() -> None:
    url_map = Map([Rule(f"/r{n}/<int:x>", endpoint=f"r{n}") for n in range(200)])
    results: list[tuple[t.Any, dict[str, t.Any], t.Any]] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        rule, values = url_map.match_path("/r150/7", "GET")
        results.append((rule.endpoint, values, url_map._matcher))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert {(endpoint, str(values)) for endpoint, values, _ in results} == {
        ("r150", "{'x': 7}")
    }
    assert len({id(matcher) for _, _, matcher in results}) == 1


def test_describe_shows_the_compiled_trie() -> None:
    url_map = Map(
        [
            Rule("/", endpoint="index"),
            Rule("/items/<int:id>", endpoint="item"),
            Rule("/files/<path:p>", endpoint="files"),
        ]
    )
    text = url_map.describe()
    assert text.splitlines()[0] == "static table: 1 paths"
    assert "=> <Rule '/' -> index>" in text
    assert "~ (?P<_v0>\\d+)\\Z" in text
    assert "(final)" in text
    assert repr(url_map._matcher).startswith("<Matcher 1 static paths>\n")


def test_iter_rules_and_is_endpoint_expecting() -> None:
    url_map = make_app_map()
    assert [rule.rule for rule in url_map.iter_rules("kind")] == [
        "/kind/",
        "/kind/<kind>",
    ]
    assert len(list(url_map.iter_rules())) == 17
    assert url_map.is_endpoint_expecting("item", "id")
    assert not url_map.is_endpoint_expecting("index", "id")
    with pytest.raises(KeyError):
        url_map.iter_rules("missing")
    with pytest.raises(KeyError):
        url_map.is_endpoint_expecting("missing")


def test_update_compiles_and_sorts_for_building() -> None:
    url_map = Map([Rule("/a/<x>", endpoint="e"), Rule("/b/<x>/<y>", endpoint="e")])
    url_map.update()
    assert url_map._matcher is not None
    assert [rule.rule for rule in url_map._rules_by_endpoint["e"]] == [
        "/b/<x>/<y>",
        "/a/<x>",
    ]
    url_map.update()


def test_map_attributes() -> None:
    url_map = Map(sort_parameters=True, sort_key=len, host_matching=True)
    assert url_map.sort_parameters is True
    assert url_map.sort_key is len
    assert url_map.host_matching is True
    assert url_map.lock_class is threading.Lock
    assert repr(Map()) == "Map([])"


def test_bind_validates_and_normalizes() -> None:
    url_map = Map([Rule("/", endpoint="index")])
    adapter = url_map.bind("ExAmple.COM:8080")
    assert adapter.server_name == "example.com:8080"
    assert adapter.script_name == "/"
    assert adapter.path_info == "/"
    assert adapter.subdomain == ""
    assert url_map.bind("bücher.de").server_name == "xn--bcher-kva.de"
    with pytest.raises(BadHost):
        url_map.bind("a..b")
    host_map = Map(host_matching=True)
    assert host_map.bind("h").subdomain is None
    with pytest.raises(RuntimeError, match="host matching enabled"):
        host_map.bind("h", subdomain="x")


def test_bind_to_environ_accepts_a_request_object() -> None:
    class FakeRequest:
        environ = {
            "wsgi.url_scheme": "https",
            "REQUEST_METHOD": "POST",
            "HTTP_HOST": "api.example.com:443",
        }

    url_map = Map([Rule("/", endpoint="api", subdomain="api")])
    adapter = url_map.bind_to_environ(FakeRequest(), server_name="example.com:443")
    assert adapter.subdomain == "api"
    assert adapter.server_name == "example.com"
    assert adapter.default_method == "POST"
    assert adapter.script_name == "/"
    assert adapter.match() == ("api", {})
    host_map = Map(host_matching=True)
    assert host_map.bind_to_environ(FakeRequest.environ).subdomain is None


_HOSTILE_PATHS = [
    "/" + "a" * 3_000_000,
    "/items/" + "9" * 100_000,
    "/items/1/" + "x/" * 200_000,
    "/" * 100_000,
    "/a" + "/" * 100_000 + "b",
    "/items/%00/%2F/%",
    "/\x00\x01\x7f",
    "/\ud800",
    "/日本語/パス",
    "/items/١٢٣",
    "/ " * 10_000,
    "/items/" + "1/" * 50_000,
    "/<script>",
]


@pytest.mark.parametrize("path", _HOSTILE_PATHS, ids=lambda p: repr(p[:20]))
@pytest.mark.parametrize("method", ["GET", "POST", "\x00", "X" * 10_000])
def test_hostile_paths_end_in_a_match_or_a_routing_error(
    path: str, method: str
) -> None:
    url_map = make_app_map()
    try:
        rule, values = url_map.match_path(path, method)
    except (NotFound, MethodNotAllowed, NeedsAdapter):
        return
    assert rule.endpoint in {"item_rest", "by_name", "item", "index"}
    assert isinstance(values, dict)


@pytest.mark.parametrize("path", _HOSTILE_PATHS, ids=lambda p: repr(p[:20]))
def test_hostile_paths_through_the_adapter(path: str) -> None:
    from erlen.routing import RequestRedirect

    adapter = make_app_map().bind("example.com")
    try:
        adapter.match(path)
    except (NotFound, MethodNotAllowed, RequestRedirect):
        pass


def test_many_dynamic_alternatives_backtrack_in_reasonable_time() -> None:
    # Every segment can be a string or a static word, so a naive search could
    # try 2**n paths; the trie shares prefixes and the depth is bounded by rules.
    rules = [
        Rule(
            "/" + "/".join([f"<a{i}>" for i in range(depth)]) + "/end",
            endpoint=f"e{depth}",
        )
        for depth in range(1, 20)
    ]
    url_map = Map(rules)
    with pytest.raises(NotFound):
        url_map.match_path("/" + "/".join(["x"] * 25), "GET")
    assert (
        url_map.match_path("/" + "/".join(["x"] * 19) + "/end", "GET")[0].endpoint
        == "e19"
    )


def test_bind_to_environ_without_host_header_or_port() -> None:
    environ = {"wsgi.url_scheme": "http", "REQUEST_METHOD": "GET", "SERVER_NAME": "srv"}
    adapter = Map().bind_to_environ(environ)
    assert adapter.server_name == "srv"
    assert adapter.path_info == "/"
    assert adapter.query_args is None


def test_matcher_compiled_while_waiting_for_the_lock_is_reused() -> None:
    url_map = Map([Rule("/", endpoint="index")])
    compiled = url_map._get_matcher()
    url_map._matcher = None

    class OtherThreadCompiles:
        """Stands for a lock released by a thread that compiled meanwhile."""

        def __enter__(self) -> None:
            url_map._matcher = compiled

        def __exit__(self, *exc_info: object) -> None:
            pass

    url_map._remap_lock = OtherThreadCompiles()  # type: ignore[assignment]
    assert url_map._get_matcher() is compiled
