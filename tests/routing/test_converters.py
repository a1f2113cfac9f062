"""Converters: regexes, to_python and to_url, and custom converters in a map."""

from __future__ import annotations

import typing as t
import uuid

import pytest

from erlen.routing import AnyConverter
from erlen.routing import BaseConverter
from erlen.routing import FloatConverter
from erlen.routing import IntegerConverter
from erlen.routing import Map
from erlen.routing import PathConverter
from erlen.routing import Rule
from erlen.routing import UnicodeConverter
from erlen.routing import UUIDConverter
from erlen.routing import ValidationError
from erlen.routing.converters import DEFAULT_CONVERTERS

MAP = Map()


@pytest.mark.parametrize(
    ("converter", "regex"),
    [
        (UnicodeConverter(MAP), "[^/]{1,}"),
        (UnicodeConverter(MAP, minlength=2, maxlength=5), "[^/]{2,5}"),
        (UnicodeConverter(MAP, length=3), "[^/]{3}"),
        (AnyConverter(MAP, "a", "b.c"), r"(?:a|b\.c)"),
        (PathConverter(MAP), "[^/].*?"),
        (IntegerConverter(MAP), r"\d+"),
        (IntegerConverter(MAP, signed=True), r"-?\d+"),
        (FloatConverter(MAP), r"\d+\.\d+"),
        (FloatConverter(MAP, signed=True), r"-?\d+\.\d+"),
    ],
)
def test_converter_regex(converter: BaseConverter, regex: str) -> None:
    assert converter.regex == regex


@pytest.mark.parametrize(
    ("converter", "text", "value"),
    [
        (UnicodeConverter(MAP), "héllo", "héllo"),
        (IntegerConverter(MAP), "0042", 42),
        (IntegerConverter(MAP, fixed_digits=4), "0042", 42),
        (IntegerConverter(MAP, min=1, max=5), "5", 5),
        (FloatConverter(MAP), "1.25", 1.25),
        (FloatConverter(MAP, signed=True), "-1.5", -1.5),
        (
            UUIDConverter(MAP),
            "12345678-1234-5678-1234-567812345678",
            uuid.UUID(int=0x12345678123456781234567812345678),
        ),
    ],
)
def test_to_python(converter: BaseConverter, text: str, value: t.Any) -> None:
    assert converter.to_python(text) == value


@pytest.mark.parametrize(
    ("converter", "text"),
    [
        (IntegerConverter(MAP, fixed_digits=4), "42"),
        (IntegerConverter(MAP, min=3), "2"),
        (IntegerConverter(MAP, max=3), "4"),
        (FloatConverter(MAP, max=1.0), "1.5"),
    ],
)
def test_to_python_rejects_out_of_range(converter: BaseConverter, text: str) -> None:
    with pytest.raises(ValidationError):
        converter.to_python(text)


@pytest.mark.parametrize(
    ("converter", "value", "text"),
    [
        (UnicodeConverter(MAP), "a b/c?", "a%20b/c%3F"),
        (PathConverter(MAP), "a/b c", "a/b%20c"),
        (IntegerConverter(MAP), 7, "7"),
        (IntegerConverter(MAP, fixed_digits=3), 7, "007"),
        (FloatConverter(MAP), 2.5, "2.5"),
        (AnyConverter(MAP, "a", "b"), "b", "b"),
        (UUIDConverter(MAP), uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
    ],
)
def test_to_url(converter: BaseConverter, value: t.Any, text: str) -> None:
    assert converter.to_url(value) == text


def test_any_converter_to_url_names_the_choices() -> None:
    with pytest.raises(ValueError, match="'z' is not one of 'a', 'b'"):
        AnyConverter(MAP, "b", "a").to_url("z")


def test_default_converters_table() -> None:
    assert DEFAULT_CONVERTERS["default"] is UnicodeConverter
    assert DEFAULT_CONVERTERS["string"] is UnicodeConverter
    assert set(DEFAULT_CONVERTERS) == {
        "default",
        "string",
        "any",
        "path",
        "int",
        "float",
        "uuid",
    }
    assert dict(Map.default_converters) == dict(DEFAULT_CONVERTERS)


def test_subclass_regex_with_slash_is_not_part_isolating() -> None:
    class Spanning(BaseConverter):
        regex = "[a-z]+/[a-z]+"

    class Explicit(BaseConverter):
        regex = "a/b"
        part_isolating = True

    class Plain(BaseConverter):
        regex = "[a-z]+"

    class Inherits(Spanning):
        pass

    assert Spanning.part_isolating is False
    assert Explicit.part_isolating is True
    assert Plain.part_isolating is True
    assert Inherits.part_isolating is False


class ListConverter(BaseConverter):
    """A comma-separated list, as in Flask's documentation."""

    def to_python(self, value: str) -> list[str]:
        return value.split(",")

    def to_url(self, value: t.Any) -> str:
        return ",".join(super(ListConverter, self).to_url(item) for item in value)


def test_custom_converter_added_to_map_converters() -> None:
    url_map = Map()
    url_map.converters["list"] = ListConverter
    url_map.add(Rule("/tags/<list:tags>", endpoint="tags"))
    adapter = url_map.bind("example.com")
    assert adapter.match("/tags/a,b") == ("tags", {"tags": ["a", "b"]})
    assert adapter.build("tags", {"tags": ["x y", "z"]}) == "/tags/x%20y,z"
    assert url_map.match_path("/tags/q", "GET")[1] == {"tags": ["q"]}


def test_custom_converter_passed_to_map_and_spanning_slashes() -> None:
    class TwoLevel(BaseConverter):
        regex = "[a-z]+/[a-z]+"

    url_map = Map(
        [Rule("/x/<two:v>/end", endpoint="two")], converters={"two": TwoLevel}
    )
    assert url_map.converters["two"] is TwoLevel
    assert Map().converters.get("two") is None
    assert url_map.match_path("/x/ab/cd/end", "GET")[1] == {"v": "ab/cd"}


def test_converter_keeps_its_map() -> None:
    url_map = Map([Rule("/<int:x>", endpoint="x")])
    rule = next(url_map.iter_rules())
    assert rule._converters["x"].map is url_map
