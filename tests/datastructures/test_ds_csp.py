"""Tests for erlen.datastructures.csp: ContentSecurityPolicy."""

from __future__ import annotations

import pytest

from erlen.datastructures import ContentSecurityPolicy
from erlen.http import parse_csp_header

DIRECTIVES = [
    ("base_uri", "base-uri"),
    ("child_src", "child-src"),
    ("connect_src", "connect-src"),
    ("default_src", "default-src"),
    ("font_src", "font-src"),
    ("form_action", "form-action"),
    ("frame_ancestors", "frame-ancestors"),
    ("frame_src", "frame-src"),
    ("img_src", "img-src"),
    ("manifest_src", "manifest-src"),
    ("media_src", "media-src"),
    ("navigate_to", "navigate-to"),
    ("object_src", "object-src"),
    ("plugin_types", "plugin-types"),
    ("prefetch_src", "prefetch-src"),
    ("report_to", "report-to"),
    ("report_uri", "report-uri"),
    ("sandbox", "sandbox"),
    ("script_src", "script-src"),
    ("script_src_attr", "script-src-attr"),
    ("script_src_elem", "script-src-elem"),
    ("style_src", "style-src"),
    ("style_src_attr", "style-src-attr"),
    ("style_src_elem", "style-src-elem"),
    ("worker_src", "worker-src"),
]


@pytest.mark.parametrize(("attribute", "key"), DIRECTIVES)
def test_directive_attribute_reads_writes_and_deletes(attribute: str, key: str) -> None:
    csp = ContentSecurityPolicy()
    assert getattr(csp, attribute) is None
    setattr(csp, attribute, "'self'")
    assert csp[key] == "'self'"
    assert getattr(csp, attribute) == "'self'"
    assert csp.to_header() == f"{key} 'self'"
    delattr(csp, attribute)
    assert key not in csp


def test_directive_names_match_werkzeug() -> None:
    from werkzeug.datastructures import ContentSecurityPolicy as Reference

    ours = {name for name, _ in DIRECTIVES}
    theirs = {
        name
        for name, value in vars(Reference).items()
        if isinstance(value, property) and not name.startswith("_")
    }
    assert ours == theirs
    for name, _ in DIRECTIVES:
        assert getattr(ContentSecurityPolicy, name).__doc__


def test_on_update_fires_only_on_real_changes() -> None:
    calls: list[dict[str, str]] = []
    csp = ContentSecurityPolicy({"a": "b"}, on_update=lambda c: calls.append(dict(c)))
    csp.script_src = "x"
    csp["k"] = "v"
    del csp.script_src
    del csp.script_src
    csp.img_src = None
    assert calls == [
        {"a": "b", "script-src": "x"},
        {"a": "b", "script-src": "x", "k": "v"},
        {"a": "b", "k": "v"},
    ]
    csp.default_src = "'none'"
    csp.default_src = None
    assert calls[-2:] == [
        {"a": "b", "k": "v", "default-src": "'none'"},
        {"a": "b", "k": "v"},
    ]
    assert csp.on_update is not None


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (None, {}),
        ((), {}),
        ({}, {}),
        ({"a": "b"}, {"a": "b"}),
        ([("a", "b"), ("c", "d")], {"a": "b", "c": "d"}),
    ],
)
def test_constructor_accepts_mapping_pairs_or_none(
    values: object, expected: dict[str, str]
) -> None:
    csp = ContentSecurityPolicy(values)  # type: ignore[arg-type]
    assert csp == expected
    assert csp.on_update is None


@pytest.mark.parametrize(
    ("values", "header", "text"),
    [
        ({}, "", "<ContentSecurityPolicy >"),
        ({"img-src": "*"}, "img-src *", "<ContentSecurityPolicy img-src='*'>"),
        (
            {"script-src": "x", "default-src": "'self'"},
            "script-src x; default-src 'self'",
            "<ContentSecurityPolicy default-src=\"'self'\" script-src='x'>",
        ),
    ],
)
def test_to_header_str_and_repr(values: dict[str, str], header: str, text: str) -> None:
    csp = ContentSecurityPolicy(values)
    assert csp.to_header() == header
    assert str(csp) == header
    assert repr(csp) == text


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "default-src 'self'; script-src https://x.com",
        "script-src x; default-src y; script-src z",
        "  a  b  c ;  ;upgrade-insecure-requests",
        "a\x00b c; d e",
    ],
)
def test_matches_werkzeug(raw: str | None) -> None:
    from werkzeug.datastructures import ContentSecurityPolicy as Reference
    from werkzeug.http import parse_csp_header as werkzeug_parse

    ours = parse_csp_header(raw, None, ContentSecurityPolicy)
    theirs = werkzeug_parse(raw, None, Reference)
    assert isinstance(ours, ContentSecurityPolicy)
    assert dict(ours) == dict(theirs)
    assert ours.to_header() == theirs.to_header()
    assert repr(ours) == repr(theirs)
    assert ours.default_src == theirs.default_src


def test_parse_with_cls_passes_on_update() -> None:
    seen: list[str] = []
    csp = parse_csp_header(
        "img-src *", lambda c: seen.append(c.to_header()), ContentSecurityPolicy
    )
    csp.font_src = "data:"
    assert seen == ["img-src *; font-src data:"]
