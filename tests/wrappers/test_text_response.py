"""``text_response`` builds exactly what ``Response(text, mimetype=...)`` builds."""

from __future__ import annotations

import typing as t

import pytest

from erlen import Erlen
from erlen import jsonify
from erlen.wrappers.response import Response
from erlen.wrappers.response import text_response


class Plain(Response):
    """A subclass that keeps Response.__init__: the shortcut applies."""


class Created(Response):
    default_status = 201


class OwnInit(Response):
    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers["X-Own-Init"] = "1"


class NoLength(Response):
    automatically_set_content_length = False


def state(response: Response) -> dict[str, t.Any]:
    return {
        "type": type(response),
        "dict": {k: v for k, v in vars(response).items() if k != "headers"},
        "headers": response.headers.to_wsgi_list(),
    }


@pytest.mark.parametrize("cls", [Response, Plain, Created])
@pytest.mark.parametrize("text", ['{"a":1}\n', "", "caf\u00e9 \u2615\n"])
@pytest.mark.parametrize("mimetype", ["application/json", "text/plain"])
def test_same_state_as_the_constructor(
    cls: type[Response], text: str, mimetype: str
) -> None:
    expected = cls(text, mimetype=mimetype)  # also validates the mimetype
    built = text_response(cls, text, mimetype)
    assert built is not None
    assert state(built) == state(expected)
    assert built.get_data() == expected.get_data() == text.encode()


@pytest.mark.parametrize("cls", [OwnInit, NoLength])
def test_declines_classes_it_cannot_stand_for(cls: type[Response]) -> None:
    cls("x", mimetype="application/json")
    assert text_response(cls, "x", "application/json") is None


def test_declines_a_mimetype_not_validated_yet() -> None:
    assert text_response(Response, "x", "application/x-never-seen-before") is None


@pytest.mark.parametrize("cls", [Response, Plain, Created, OwnInit, NoLength])
def test_jsonify_gives_the_constructor_result_for_every_class(
    cls: type[Response],
) -> None:
    app = Erlen(__name__)
    app.response_class = cls
    with app.app_context():
        first = jsonify(a=1)
        second = jsonify(a=1)
    expected = cls('{"a":1}\n', mimetype="application/json")
    for rv in (first, second):
        assert type(rv) is cls
        assert state(rv) == state(expected)
    assert (second.headers.get("X-Own-Init") == "1") is (cls is OwnInit)


class NoMimetype(Response):
    default_mimetype = None


@pytest.mark.parametrize("cls", [Response, Plain, Created, OwnInit, NoMimetype])
def test_a_view_returning_text_gets_the_constructor_result(
    cls: type[Response],
) -> None:
    app = Erlen(__name__)
    app.response_class = cls
    app.get("/")(lambda: "caf\u00e9")
    client = app.test_client()
    with app.app_context():
        expected = cls("caf\u00e9")
        for _ in range(2):  # the first call validates the mimetype
            rv = app.make_response("caf\u00e9")
            assert type(rv) is cls
            assert state(rv) == state(expected)
    response = client.get("/")
    assert response.get_data() == "caf\u00e9".encode()
    assert response.status_code == cls.default_status
    assert response.headers.get("Content-Type") == expected.headers.get("Content-Type")
