"""Rule factories: Submount, Subdomain, EndpointPrefix and RuleTemplate."""

from __future__ import annotations

from erlen.routing import EndpointPrefix
from erlen.routing import Map
from erlen.routing import Rule
from erlen.routing import RuleTemplate
from erlen.routing import Subdomain
from erlen.routing import Submount


def test_factories_nest_and_transform_rules() -> None:
    url_map = Map(
        [
            Subdomain(
                "blog",
                [
                    EndpointPrefix(
                        "blog.",
                        [
                            Submount(
                                "/posts/",
                                [
                                    Rule("/", endpoint="index"),
                                    Rule("/<int:id>", endpoint="show"),
                                ],
                            )
                        ],
                    )
                ],
            ),
            Rule("/", endpoint="home"),
        ]
    )
    rules = {rule.endpoint: rule for rule in url_map.iter_rules()}
    assert rules["blog.index"].rule == "/posts/"
    assert rules["blog.show"].rule == "/posts/<int:id>"
    assert rules["blog.show"].subdomain == "blog"
    assert rules["home"].subdomain == ""
    adapter = url_map.bind("example.com", subdomain="blog")
    assert adapter.match("/posts/3") == ("blog.show", {"id": 3})
    assert adapter.build("home") == "http://example.com/"


def test_factories_do_not_change_the_original_rules() -> None:
    original = Rule("/x", endpoint="x")
    Map([Submount("/sub", [original])])
    assert original.rule == "/x"
    assert original.map is None


def test_rule_template_fills_placeholders() -> None:
    template = RuleTemplate(
        [
            Rule(
                "/$kind/",
                endpoint="${kind}_index",
                defaults={"page": 1, "kind": "$kind"},
            ),
            Rule("/$kind/<int:page>", endpoint="${kind}_page", subdomain="$sub"),
            Rule("/static", endpoint=len),
        ]
    )
    url_map = Map(
        [template(kind="news", sub="www"), template({"kind": "blog", "sub": "b"})]
    )
    by_rule = {rule.rule: rule for rule in url_map.iter_rules()}
    assert by_rule["/news/"].endpoint == "news_index"
    assert by_rule["/news/"].defaults == {"page": 1, "kind": "news"}
    assert by_rule["/blog/<int:page>"].endpoint == "blog_page"
    assert by_rule["/blog/<int:page>"].subdomain == "b"
    assert by_rule["/news/"].subdomain == ""
    assert by_rule["/static"].endpoint is len
