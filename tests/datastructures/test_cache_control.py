"""Tests for erlen.datastructures.cache_control."""

from __future__ import annotations

import pytest

from erlen.datastructures import RequestCacheControl
from erlen.datastructures import ResponseCacheControl
from erlen.http.headers import parse_cache_control_header

REQUEST_PROPERTIES = [
    "max_age",
    "max_stale",
    "min_fresh",
    "no_cache",
    "no_store",
    "no_transform",
    "only_if_cached",
    "stale_if_error",
]
RESPONSE_PROPERTIES = [
    "immutable",
    "max_age",
    "must_revalidate",
    "must_understand",
    "no_cache",
    "no_store",
    "no_transform",
    "private",
    "proxy_revalidate",
    "public",
    "s_maxage",
    "stale_if_error",
    "stale_while_revalidate",
]


@pytest.mark.parametrize(
    ("cls", "names"),
    [
        (RequestCacheControl, REQUEST_PROPERTIES),
        (ResponseCacheControl, RESPONSE_PROPERTIES),
    ],
)
def test_properties_read_like_werkzeug(cls: type, names: list[str]) -> None:
    from werkzeug import datastructures as wz

    wz_cls = getattr(wz, cls.__name__)
    for name in names:
        key = name.replace("_", "-")
        for raw in (None, "12", "x", "-1"):
            assert getattr(cls({key: raw}), name) == getattr(
                wz_cls({key: raw}), name
            ), (name, raw)
        assert getattr(cls({}), name) == getattr(wz_cls({}), name)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("max_age", 5),
        ("max_age", "7"),
        ("max_age", None),
        ("max_age", True),
        ("public", True),
        ("public", False),
        ("private", True),
        ("private", "set-cookie"),
        ("no_cache", "x"),
        ("no_cache", True),
        ("no_cache", None),
        ("s_maxage", 0),
        ("immutable", 1),
    ],
)
def test_setting_matches_werkzeug(name: str, value: object) -> None:
    from werkzeug.datastructures import ResponseCacheControl as WzResponseCacheControl

    ours = ResponseCacheControl({"public": None, "max-age": "3", "private": "a"})
    theirs = WzResponseCacheControl({"public": None, "max-age": "3", "private": "a"})
    setattr(ours, name, value)
    setattr(theirs, name, value)
    assert dict(ours) == dict(theirs)
    delattr(ours, name)
    delattr(theirs, name)
    assert dict(ours) == dict(theirs)


def test_on_update_and_header() -> None:
    calls: list[str] = []
    cc = ResponseCacheControl(on_update=lambda c: calls.append(c.to_header()))
    cc.max_age = 60
    cc.public = True
    cc.no_cache = True
    del cc.no_cache
    del cc.no_cache  # absent: no call
    assert calls == [
        "max-age=60",
        "max-age=60, public",
        "max-age=60, public, no-cache",
        "max-age=60, public",
    ]
    assert str(cc) == "max-age=60, public"
    assert repr(cc) == "<ResponseCacheControl max-age='60' public=None>"
    assert cc.provided
    assert not RequestCacheControl(None).provided
    assert RequestCacheControl().provided


def test_class_attribute_is_the_descriptor() -> None:
    assert "max-age" in (ResponseCacheControl.max_age.__doc__ or "")


def test_parse_with_cls() -> None:
    cc = parse_cache_control_header("max-age=10, no-cache", None, RequestCacheControl)
    assert isinstance(cc, RequestCacheControl)
    assert cc.max_age == 10
    assert cc.no_cache is True
    assert cc.no_store is False
