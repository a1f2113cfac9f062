"""LocalProxy: every operator forwards to the context variable's current value."""

from __future__ import annotations

import collections.abc as cabc
import contextvars
import typing as t

import pytest

from erlen.local import LocalProxy


class Box:
    """A plain object with an attribute and a context-manager protocol."""

    def __init__(self, value: t.Any) -> None:
        self.value = value
        self.entered = 0
        self.exited: tuple[t.Any, ...] | None = None

    def __enter__(self) -> str:
        self.entered += 1
        return "entered"

    def __exit__(self, *exc_info: t.Any) -> bool:
        self.exited = exc_info
        return True


@pytest.fixture
def var() -> contextvars.ContextVar[t.Any]:
    return contextvars.ContextVar("erlen.test.local")


def bound(
    var: contextvars.ContextVar[t.Any], value: t.Any, name: str | None = None
) -> tuple[t.Any, contextvars.Token[t.Any]]:
    proxy: t.Any = LocalProxy(var, name)
    return proxy, var.set(value)


def test_unbound_proxy_raises_the_given_message(
    var: contextvars.ContextVar[t.Any],
) -> None:
    proxy: t.Any = LocalProxy(var, unbound_message="set it up first")
    with pytest.raises(RuntimeError, match="set it up first"):
        proxy._get_current_object()
    with pytest.raises(RuntimeError, match="set it up first"):
        proxy.anything  # noqa: B018 - the access is what raises


def test_unbound_proxy_default_message(var: contextvars.ContextVar[t.Any]) -> None:
    proxy: t.Any = LocalProxy(var)
    with pytest.raises(RuntimeError, match="object is not bound"):
        str(proxy)
    named: t.Any = LocalProxy(var, "value")
    with pytest.raises(RuntimeError, match="object is not bound"):
        named._get_current_object()


def test_unbound_proxy_is_falsy_with_safe_repr_dir_and_class(
    var: contextvars.ContextVar[t.Any],
) -> None:
    proxy: t.Any = LocalProxy(var)
    assert not proxy
    assert repr(proxy) == "<LocalProxy unbound>"
    assert dir(proxy) == []
    assert proxy.__class__ is LocalProxy
    assert proxy.__wrapped__ is var


def test_named_proxy_reads_the_attribute(var: contextvars.ContextVar[t.Any]) -> None:
    proxy, _ = bound(var, Box(42), "value")
    assert proxy._get_current_object() == 42
    assert proxy.bit_length() == 6


def test_proxy_follows_the_current_value(var: contextvars.ContextVar[t.Any]) -> None:
    proxy: t.Any = LocalProxy(var)
    token = var.set(Box(1))
    assert proxy.value == 1
    inner = var.set(Box(2))
    assert proxy.value == 2
    var.reset(inner)
    assert proxy.value == 1
    var.reset(token)
    assert not proxy


def test_attribute_access_set_and_delete(var: contextvars.ContextVar[t.Any]) -> None:
    box = Box(1)
    proxy, _ = bound(var, box)
    proxy.value = 5
    assert box.value == 5
    proxy.extra = "x"
    assert box.extra == "x"  # type: ignore[attr-defined]
    del proxy.extra
    assert not hasattr(box, "extra")
    with pytest.raises(AttributeError):
        proxy.missing  # noqa: B018 - the access is what raises


def test_repr_str_bool_dir_and_class_of_bound_proxy(
    var: contextvars.ContextVar[t.Any],
) -> None:
    proxy, _ = bound(var, [1, 2])
    assert repr(proxy) == "[1, 2]"
    assert str(proxy) == "[1, 2]"
    assert bool(proxy) is True
    assert "append" in dir(proxy)
    assert proxy.__class__ is list
    assert isinstance(proxy, list)
    empty, _ = bound(contextvars.ContextVar("empty"), [])
    assert bool(empty) is False


def test_comparison_and_hash(var: contextvars.ContextVar[t.Any]) -> None:
    proxy, _ = bound(var, "abc")
    assert proxy == "abc"
    assert not (proxy != "abc")
    assert proxy != "xyz"
    assert hash(proxy) == hash("abc")
    assert {proxy: 1}["abc"] == 1


def test_container_protocol(var: contextvars.ContextVar[t.Any]) -> None:
    data = {"a": 1}
    proxy, _ = bound(var, data)
    assert len(proxy) == 1
    assert list(proxy) == ["a"]
    assert "a" in proxy
    assert "b" not in proxy
    assert proxy["a"] == 1
    proxy["b"] = 2
    assert data == {"a": 1, "b": 2}
    del proxy["a"]
    assert data == {"b": 2}
    with pytest.raises(KeyError):
        proxy["missing"]


def test_call_forwards_arguments(var: contextvars.ContextVar[t.Any]) -> None:
    def func(*args: t.Any, **kwargs: t.Any) -> tuple[t.Any, ...]:
        return args, kwargs

    proxy, _ = bound(var, func)
    assert proxy(1, b=2) == ((1,), {"b": 2})


def fail() -> None:
    raise ValueError("swallowed by Box.__exit__")


def test_context_manager_forwards(var: contextvars.ContextVar[t.Any]) -> None:
    box = Box(0)
    proxy, _ = bound(var, box)
    with proxy as entered:
        assert entered == "entered"
        fail()
    assert box.entered == 1
    assert box.exited is not None
    assert box.exited[0] is ValueError


def test_proxy_is_weakly_referenceable_and_forwards_setattr(
    var: contextvars.ContextVar[t.Any],
) -> None:
    import weakref

    proxy: t.Any = LocalProxy(var)
    reference: t.Any = weakref.ref(proxy)
    assert reference() is proxy
    with pytest.raises(RuntimeError):
        proxy.new_attribute = 1  # forwarded, and the variable is unbound


def test_each_context_sees_its_own_value(var: contextvars.ContextVar[t.Any]) -> None:
    proxy: t.Any = LocalProxy(var, "value")
    seen: list[t.Any] = []

    def run(value: int) -> None:
        var.set(Box(value))
        seen.append(proxy._get_current_object())

    for value in range(3):
        contextvars.copy_context().run(run, value)
    assert seen == [0, 1, 2]
    assert not proxy


def test_iter_returns_an_iterator(var: contextvars.ContextVar[t.Any]) -> None:
    proxy, _ = bound(var, (1, 2))
    assert isinstance(iter(proxy), cabc.Iterator)


def test_variable_default_counts_as_bound() -> None:
    var: contextvars.ContextVar[bytes] = contextvars.ContextVar("d", default=b"x")
    proxy: t.Any = LocalProxy(var)
    assert bytes(proxy) == b"x"
    assert proxy


NUMBER_OPERATIONS: list[tuple[str, cabc.Callable[[t.Any], t.Any], t.Any]] = [
    ("lt", lambda p: p < 6, True),
    ("le", lambda p: p <= 5, True),
    ("gt", lambda p: p > 5, False),
    ("ge", lambda p: p >= 5, True),
    ("add", lambda p: p + 1, 6),
    ("radd", lambda p: 1 + p, 6),
    ("sub", lambda p: p - 1, 4),
    ("rsub", lambda p: 10 - p, 5),
    ("mul", lambda p: p * 2, 10),
    ("rmul", lambda p: 2 * p, 10),
    ("truediv", lambda p: p / 2, 2.5),
    ("rtruediv", lambda p: 10 / p, 2.0),
    ("floordiv", lambda p: p // 2, 2),
    ("rfloordiv", lambda p: 11 // p, 2),
    ("mod", lambda p: p % 3, 2),
    ("rmod", lambda p: 7 % p, 2),
    ("divmod", lambda p: divmod(p, 2), (2, 1)),
    ("rdivmod", lambda p: divmod(11, p), (2, 1)),
    ("pow", lambda p: p**2, 25),
    ("pow3", lambda p: pow(p, 2, 3), 1),
    ("rpow", lambda p: 2**p, 32),
    ("lshift", lambda p: p << 1, 10),
    ("rlshift", lambda p: 1 << p, 32),
    ("rshift", lambda p: p >> 1, 2),
    ("rrshift", lambda p: 64 >> p, 2),
    ("and", lambda p: p & 4, 4),
    ("rand", lambda p: 4 & p, 4),
    ("or", lambda p: p | 2, 7),
    ("ror", lambda p: 2 | p, 7),
    ("xor", lambda p: p ^ 1, 4),
    ("rxor", lambda p: 1 ^ p, 4),
    ("neg", lambda p: -p, -5),
    ("pos", lambda p: +p, 5),
    ("abs", lambda p: abs(p), 5),
    ("invert", lambda p: ~p, -6),
    ("int", lambda p: int(p), 5),
    ("float", lambda p: float(p), 5.0),
    ("complex", lambda p: complex(p), 5 + 0j),
    ("index", lambda p: [0, 1, 2, 3, 4, 5][p], 5),
    ("round", lambda p: round(p), 5),
    ("format", lambda p: f"{p:03d}", "005"),
]


@pytest.mark.parametrize(
    ("name", "operation", "expected"),
    NUMBER_OPERATIONS,
    ids=[row[0] for row in NUMBER_OPERATIONS],
)
def test_number_operators_apply_to_the_current_value(
    var: contextvars.ContextVar[t.Any],
    name: str,
    operation: cabc.Callable[[t.Any], t.Any],
    expected: t.Any,
) -> None:
    proxy, _ = bound(var, 5)
    assert operation(proxy) == expected


def test_sequence_operators(var: contextvars.ContextVar[t.Any]) -> None:
    import copy

    data = [1, 2]
    proxy, _ = bound(var, data)
    assert proxy + [3] == [1, 2, 3]
    assert [0] + proxy == [0, 1, 2]
    assert list(reversed(proxy)) == [2, 1]
    assert copy.copy(proxy) == data
    assert copy.copy(proxy) is not data
    assert copy.deepcopy(proxy) == data
    assert type(copy.copy(proxy)) is list
    assert operator_length_hint(proxy) == 2


def operator_length_hint(obj: t.Any) -> int:
    import operator

    return operator.length_hint(obj)


def test_matmul_forwards(var: contextvars.ContextVar[t.Any]) -> None:
    class Matrix:
        def __matmul__(self, other: t.Any) -> str:
            return "matmul"

        def __rmatmul__(self, other: t.Any) -> str:
            return "rmatmul"

        def __imatmul__(self, other: t.Any) -> str:
            return "imatmul"

    proxy, _ = bound(var, Matrix())
    assert proxy @ 1 == "matmul"
    assert 1 @ proxy == "rmatmul"
    proxy @= 1
    assert proxy == "imatmul"


def test_next_forwards_to_an_iterator(var: contextvars.ContextVar[t.Any]) -> None:
    proxy, _ = bound(var, iter("ab"))
    assert next(proxy) == "a"
    assert next(proxy) == "b"
    with pytest.raises(StopIteration):
        next(proxy)


def test_inplace_operator_on_mutable_value_keeps_the_proxy(
    var: contextvars.ContextVar[t.Any],
) -> None:
    data = [1]
    proxy, _ = bound(var, data)
    alias = proxy
    alias += [2]
    alias *= 2
    assert alias is proxy
    assert data == [1, 2, 1, 2]
    counts = {"a"}
    set_proxy, _ = bound(contextvars.ContextVar("s"), counts)
    set_proxy |= {"b"}
    set_proxy &= {"b"}
    set_proxy ^= {"c"}
    set_proxy -= {"c"}
    assert counts == {"b"}


INPLACE_ON_NUMBERS: list[tuple[str, str, t.Any]] = [
    ("+=", "add", 7),
    ("-=", "sub", 3),
    ("*=", "mul", 10),
    ("/=", "truediv", 2.5),
    ("//=", "floordiv", 2),
    ("%=", "mod", 1),
    ("**=", "pow", 25),
    ("<<=", "lshift", 20),
    (">>=", "rshift", 1),
    ("&=", "and", 0),
    ("|=", "or", 7),
    ("^=", "xor", 7),
]


@pytest.mark.parametrize(("symbol", "name", "expected"), INPLACE_ON_NUMBERS)
def test_inplace_operator_on_immutable_value_returns_the_result(
    var: contextvars.ContextVar[t.Any], symbol: str, name: str, expected: t.Any
) -> None:
    proxy, _ = bound(var, 5)
    method = getattr(type(proxy), f"__i{name}__")
    rv = method(proxy, 2)
    assert rv == expected
    assert type(rv) is not LocalProxy
    assert var.get() == 5


class Holder:
    public = "value"
    _private = "hidden"

    def method(self) -> str:
        return "called"


def test_public_and_private_names_are_forwarded() -> None:
    var: contextvars.ContextVar[Holder] = contextvars.ContextVar("holder_var")
    proxy: t.Any = LocalProxy(var)
    token = var.set(Holder())
    try:
        assert proxy.public == "value"
        assert proxy._private == "hidden"
        assert proxy.method() == "called"
        assert proxy.__wrapped__ is var
        with pytest.raises(AttributeError):
            _ = proxy.missing
        with pytest.raises(AttributeError):
            _ = proxy._missing
        proxy.added = 1
        assert var.get().added == 1  # type: ignore[attr-defined]
    finally:
        var.reset(token)
    with pytest.raises(RuntimeError, match="not bound"):
        _ = proxy.public
    with pytest.raises(RuntimeError, match="not bound"):
        _ = proxy._private
    assert proxy.__wrapped__ is var


def test_attribute_proxy_forwards_public_names() -> None:
    var: contextvars.ContextVar[t.Any] = contextvars.ContextVar("outer_var")
    proxy: t.Any = LocalProxy(var, "inner")

    class Outer:
        inner = Holder()

    token = var.set(Outer())
    try:
        assert proxy.public == "value"
        assert proxy._private == "hidden"
    finally:
        var.reset(token)


def test_subclass_with_public_names_keeps_them() -> None:
    class Named(LocalProxy[t.Any]):
        def describe(self) -> str:
            return "own method"

    class Plain(LocalProxy[t.Any]):
        pass

    var: contextvars.ContextVar[Holder] = contextvars.ContextVar("named_var")
    token = var.set(Holder())
    try:
        named: t.Any = Named(var)
        assert named.describe() == "own method"
        assert named.public == "value"
        plain: t.Any = Plain(var)
        assert plain.public == "value"
    finally:
        var.reset(token)
