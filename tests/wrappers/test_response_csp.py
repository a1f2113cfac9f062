"""Response.content_security_policy and its report-only twin, as in Werkzeug."""

from __future__ import annotations

import inspect
import typing as t

import pytest

from erlen.datastructures import ContentSecurityPolicy
from erlen.wrappers import Response

PROPERTIES = [
    ("content_security_policy", "Content-Security-Policy"),
    ("content_security_policy_report_only", "Content-Security-Policy-Report-Only"),
]


@pytest.mark.parametrize(("attribute", "header"), PROPERTIES)
def test_parsed_and_available_without_the_header(attribute: str, header: str) -> None:
    response = Response()
    csp = getattr(response, attribute)
    assert isinstance(csp, ContentSecurityPolicy)
    assert csp == {}
    assert header not in response.headers
    response.headers[header] = "default-src 'self'; img-src *"
    csp = getattr(response, attribute)
    assert (csp.default_src, csp.img_src) == ("'self'", "*")


@pytest.mark.parametrize(("attribute", "header"), PROPERTIES)
def test_changes_are_written_back(attribute: str, header: str) -> None:
    response = Response()
    getattr(response, attribute).default_src = "'self'"
    assert response.headers[header] == "default-src 'self'"
    csp = getattr(response, attribute)
    csp["script-src"] = "https://cdn.example"
    assert response.headers[header] == (
        "default-src 'self'; script-src https://cdn.example"
    )
    csp.clear()
    assert header not in response.headers


@pytest.mark.parametrize(("attribute", "header"), PROPERTIES)
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a b", "a b"),
        (ContentSecurityPolicy({"x": "y"}), "x y"),
        (ContentSecurityPolicy(), None),
        ("", None),
        (None, None),
    ],
)
def test_setter(
    attribute: str, header: str, value: t.Any, expected: str | None
) -> None:
    response = Response()
    response.headers[header] = "old value"
    setattr(response, attribute, value)
    assert response.headers.get(header) == expected


@pytest.mark.parametrize(("attribute", "header"), PROPERTIES)
def test_deleter(attribute: str, header: str) -> None:
    response = Response()
    response.headers[header] = "a b"
    delattr(response, attribute)
    assert header not in response.headers


def test_class_access_gives_the_descriptor() -> None:
    descriptor = inspect.getattr_static(Response, "content_security_policy")
    assert Response.content_security_policy is descriptor
    assert "Content-Security-Policy" in (descriptor.__doc__ or "")


@pytest.mark.parametrize(("attribute", "header"), PROPERTIES)
def test_matches_werkzeug(attribute: str, header: str) -> None:
    from werkzeug.wrappers import Response as Reference

    ours, theirs = Response(), Reference()
    for response in (ours, theirs):
        response.headers[header] = "script-src x; default-src y"
        getattr(response, attribute).img_src = "data:"
    assert ours.headers[header] == theirs.headers[header]
    assert dict(getattr(ours, attribute)) == dict(getattr(theirs, attribute))
