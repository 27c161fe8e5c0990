"""Tree walks, rewriting, substitution and the canonical form."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from tensir_strategies import Env, programs

from tensorlift.common import BinOp, DType
from tensorlift.tensir import Bin, Const, Idx, Program, Scalar, TensorType, canonical, canonical_key, parse, show
from tensorlift.tensir.parser import parse_expr
from tensorlift.tensir.visit import free_names, map_expr, map_program, size, substitute, tensors_read

F64, I32 = DType.F64, DType.I32
ENV = {"A": TensorType(F64, 2), "B": TensorType(F64, 2), "x": TensorType(F64, 1), "y": TensorType(F64, 1),
       "m": TensorType(I32, 0), "n": TensorType(I32, 0), "p": TensorType(I32, 0), "alpha": TensorType(F64, 0)}


def key(text: str, env: dict[str, TensorType] = ENV) -> str:
    return canonical_key(parse(text, env))


def test_alpha_renamed_programs_have_one_key() -> None:
    assert key("C(i, j) = sum(k in 0:p, A(i, k) * B(k, j))  for i in 0:m, j in 0:n") == key(
        "C(r, c) = sum(t in 0:p, A(r, t) * B(t, c))  for r in 0:m, c in 0:n")
    assert key("s = sum(i in 0:n, x(i)) + sum(j in 0:n, y(j))") == key("s = sum(k in 0:n, y(k)) + sum(k in 0:n, x(k))")


def test_commutative_operands_and_flipped_comparisons_have_one_key() -> None:
    assert key("y(i) = alpha * x(i) + y(i)  for i in 0:n") == key("y(i) = y(i) + x(i) * alpha  for i in 0:n")
    assert key("y(i) = select(x(i) > 0.0, x(i), 0.0)  for i in 0:n") == key(
        "y(i) = select(0.0 < x(i), x(i), 0.0)  for i in 0:n")
    assert key("y(i) = max(x(i), 0.0)  for i in 0:n") == key("y(j) = max(0.0, x(j))  for j in 0:n")


def test_different_programs_have_different_keys() -> None:
    different = [
        "C(i, j) = sum(k in 0:p, A(i, k) * B(k, j))  for i in 0:m, j in 0:n",
        "C(i, j) = sum(k in 0:p, A(k, i) * B(k, j))  for i in 0:m, j in 0:n",
        "C(i, j) = sum(k in 0:p, A(i, k) * B(j, k))  for i in 0:m, j in 0:n",
        "C(i, j) = sum(k in 0:n, A(i, k) * B(k, j))  for i in 0:m, j in 0:n",
        "C(i, j) = max(k in 0:p, A(i, k) * B(k, j))  for i in 0:m, j in 0:n",
        "C(i, j) = sum(k in 0:p, A(i, k) - B(k, j))  for i in 0:m, j in 0:n",
        "C(i, j) = sum(k in 0:p, B(k, j) - A(i, k))  for i in 0:m, j in 0:n",
        "C(j, i) = sum(k in 0:p, A(i, k) * B(k, j))  for i in 0:m, j in 0:n",
    ]
    keys = {key(text, {**ENV, "C": TensorType(F64, 2)}) for text in different}
    assert len(keys) == len(different)
    # the same text typed differently is a different program
    assert key("s = sum(i in 0:n, x(i))") != key("s = sum(i in 0:n, x(i))", {**ENV, "x": TensorType(DType.F32, 1)})


@settings(max_examples=60, deadline=None)
@given(programs())
def test_canonical_form_is_a_fixed_point_and_parses_back(case: tuple[Program, Env]) -> None:
    program, env = case
    form = canonical(program)
    assert canonical(form) == form
    assert canonical_key(form) == canonical_key(program)
    assert parse(show(form), env) == form


@settings(max_examples=60, deadline=None)
@given(programs())
def test_map_returns_the_same_object_when_nothing_changes(case: tuple[Program, Env]) -> None:
    program, _ = case
    assert map_program(program, lambda e: e) is program
    renamed = map_program(program, lambda e: Scalar("zz", e.dtype) if e == Scalar("n", I32) else e)
    assert (renamed is program) == (not _contains(program, Scalar("n", I32)))


def _contains(node: object, wanted: object) -> bool:
    """Whether `wanted` occurs anywhere in `node` (by generic recursion over fields, not by the code under test)."""
    if node == wanted and type(node) is type(wanted):
        return True
    if isinstance(node, tuple):
        return any(_contains(item, wanted) for item in node)
    if dataclasses.is_dataclass(node):
        return any(_contains(getattr(node, f.name), wanted) for f in dataclasses.fields(node))
    return False


def test_map_expr_rewrites_bottom_up() -> None:
    expr = parse_expr("(1 + 2) * (3 + n)", ENV)

    def fold(e: object) -> object:
        if isinstance(e, Bin) and isinstance(e.lhs, Const) and isinstance(e.rhs, Const) and e.op is BinOp.ADD:
            return Const(e.lhs.value + e.rhs.value, e.dtype)
        return e

    folded = map_expr(expr, fold)  # type: ignore[arg-type]
    assert folded == parse_expr("3 * (3 + n)", ENV)
    assert isinstance(expr, Bin) and isinstance(folded, Bin) and folded.rhs is expr.rhs  # shared, untouched


def test_substitute_respects_binding_and_avoids_capture() -> None:
    expr = parse_expr("sum(k in 0:n, x(k) * x(i)) + x(j)", ENV, ("i", "j"))
    replaced = substitute(expr, {"i": Idx("k"), "j": Const(0, I32)})
    # j becomes 0; the bound k is renamed so that the i -> k replacement is not captured
    assert replaced == parse_expr("sum(k1 in 0:n, x(k1) * x(k)) + x(0)", ENV, ("k",))
    assert substitute(expr, {"q": Idx("i")}) is expr  # nothing to replace: the same object


def test_free_names_tensors_read_and_size() -> None:
    expr = parse_expr("sum(k in 0:n, A(i, k) * x(k)) + alpha * dim(B, 0)", ENV, ("i",))
    assert free_names(expr) == {"n", "i", "alpha"}
    assert tensors_read(expr) == {"A", "x", "B"}
    assert size(parse_expr("x(i) + 1.0", ENV, ("i",))) == 4
    program = parse("y(i) = x(i) + y(i)  for i in 0:dim(A, 0)", ENV)
    assert tensors_read(program) == {"x", "y", "A"}
