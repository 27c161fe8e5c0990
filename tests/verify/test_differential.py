"""Differential soundness: on random element-wise and reduction kernels, the inductive prover never accepts a
candidate that the bounded checker (or a concrete run) refutes, and it proves the candidate that is the kernel's
own expression."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tensorlift.common import BinOp
from tensorlift.kernel import nodes as k
from tensorlift.kernel.interp import run_unit
from tensorlift.semantics import ConcreteDomain, NumericModel
from tensorlift.tensir import nodes as t
from tensorlift.tensir.interp import run
from tensorlift.verify import verify_bounded, verify_inductive

from .builders import (
    F64,
    arr,
    assign,
    kb,
    kc,
    kld,
    kv,
    loop,
    out_arr,
    out_scal,
    prog,
    scal,
    stmt,
    store,
    ta,
    tb,
    tc,
    tdom,
    ti,
    ts,
    tsum,
    unit,
)


@dataclass(frozen=True)
class Tree:
    """A small expression over a(i), b(i), constants and the scalar c, as both IRs write it."""

    op: str
    kids: tuple[Tree, ...] = ()
    value: float = 0.0


OPS = ("+", "-", "*", "max", "min", "select")


def trees() -> st.SearchStrategy[Tree]:
    leaves = st.one_of(st.sampled_from([Tree("a"), Tree("b"), Tree("c")]),
                       st.sampled_from([0.0, 1.0, 2.0]).map(lambda v: Tree("const", (), v)))
    return st.recursive(leaves, lambda sub: st.one_of(
        st.tuples(st.sampled_from(OPS[:5]), sub, sub).map(lambda x: Tree(x[0], (x[1], x[2]))),
        st.tuples(sub, sub, sub, sub).map(lambda x: Tree("select", x))), max_leaves=5)


_BIN = {"+": BinOp.ADD, "-": BinOp.SUB, "*": BinOp.MUL, "max": BinOp.MAX, "min": BinOp.MIN}


def kernel_expr(tree: Tree, i: k.Expr) -> k.Expr:
    match tree.op:
        case "a" | "b":
            return kld(tree.op, i)
        case "c":
            return kv("c", F64)
        case "const":
            return kc(tree.value)
        case "select":
            p, q, x, y = (kernel_expr(kid, i) for kid in tree.kids)
            return k.Select(kb(BinOp.GT, p, q), x, y, F64)
        case op:
            return kb(_BIN[op], kernel_expr(tree.kids[0], i), kernel_expr(tree.kids[1], i))


def tensir_expr(tree: Tree, i: t.Expr) -> t.Expr:
    match tree.op:
        case "a" | "b":
            return ta(tree.op, i)
        case "c":
            return ts("c", F64)
        case "const":
            return tc(tree.value)
        case "select":
            p, q, x, y = (tensir_expr(kid, i) for kid in tree.kids)
            return t.Select(tb(BinOp.GT, p, q), x, y, F64)
        case op:
            return tb(_BIN[op], tensir_expr(tree.kids[0], i), tensir_expr(tree.kids[1], i))


def map_unit(tree: Tree) -> k.LiftUnit:
    body = (loop("i", 0, kv("n"), store("out", kv("i"), value=kernel_expr(tree, kv("i")))),)
    return unit(body, (arr("a"), arr("b"), arr("out"), scal("c", F64), scal("n")), (out_arr("out"),))


def map_program(tree: Tree) -> t.Program:
    return prog(stmt("out", (ti("i"),), (tdom("i", 0, ts("n")),), tensir_expr(tree, ti("i"))))


def sum_unit(tree: Tree) -> k.LiftUnit:
    step = kb(BinOp.ADD, kv("s", F64), kernel_expr(tree, kv("i")))
    body = (assign("s", kc(0.0)), loop("i", 0, kv("n"), assign("s", step)))
    return unit(body, (arr("a"), arr("b"), scal("c", F64), scal("n")), (out_scal("s"),))


def sum_program(tree: Tree) -> t.Program:
    return prog(stmt("s", (), (), tsum("k", 0, ts("n"), tensir_expr(tree, ti("k")))))


def _differs_concretely(u: k.LiftUnit, program: t.Program, seed: int) -> bool:
    rng = np.random.default_rng(seed)
    n = 3
    inputs: dict[str, object] = {"a": rng.integers(-3, 4, n).astype(float), "b": rng.integers(-3, 4, n).astype(float),
                                 "c": float(rng.integers(-3, 4)), "n": n}
    if any(p.name == "out" for p in u.inputs):
        inputs["out"] = np.zeros(n)
    ours = run_unit(u, inputs, ConcreteDomain())
    theirs = run(program, inputs, ConcreteDomain())
    return any(not np.array_equal(np.asarray(ours[o.name], dtype=float), np.asarray(theirs[o.name], dtype=float))
               for o in u.outputs)


SETTINGS = settings(max_examples=15, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(trees(), trees(), st.booleans(), st.integers(0, 1000))
def test_inductive_never_accepts_what_bounded_or_a_run_refutes(mine: Tree, theirs: Tree, reduce: bool,
                                                             seed: int) -> None:
    u = sum_unit(mine) if reduce else map_unit(mine)
    program = sum_program(theirs) if reduce else map_program(theirs)
    inductive = verify_inductive(u, program, model=NumericModel(), deadline=None, timeout_ms=3000)
    if inductive.ok:
        assert verify_bounded(u, program, bound=2, model=NumericModel(), deadline=None).ok
        assert not _differs_concretely(u, program, seed)


@SETTINGS
@given(trees(), st.booleans())
def test_the_kernels_own_expression_is_proved(tree: Tree, reduce: bool) -> None:
    u = sum_unit(tree) if reduce else map_unit(tree)
    program = sum_program(tree) if reduce else map_program(tree)
    result = verify_inductive(u, program, model=NumericModel(), deadline=None, timeout_ms=3000)
    assert result.ok, result.reason


def commute(tree: Tree) -> Tree:
    """The same value written differently: operands of every commutative operator swapped."""
    kids = tuple(commute(kid) for kid in tree.kids)
    if tree.op in ("+", "*", "max", "min"):
        kids = (kids[1], kids[0])
    return Tree(tree.op, kids, tree.value)


def mutate(tree: Tree, choice: int) -> Tree:
    """One operator or leaf changed (the result may or may not compute the same thing)."""
    nodes: list[Tree] = []

    def walk(node: Tree) -> None:
        nodes.append(node)
        for kid in node.kids:
            walk(kid)

    walk(tree)
    target = nodes[choice % len(nodes)]

    def rebuild(node: Tree) -> Tree:
        if node is target:
            if node.kids and node.op != "select":
                return Tree(OPS[(OPS.index(node.op) + 1) % 5], node.kids)
            return Tree("b") if node.op == "a" else Tree("a")
        return Tree(node.op, tuple(rebuild(kid) for kid in node.kids), node.value)

    return rebuild(tree)


@SETTINGS
@given(trees(), st.booleans())
def test_an_algebraically_equal_candidate_is_proved(tree: Tree, reduce: bool) -> None:
    u = sum_unit(tree) if reduce else map_unit(tree)
    program = sum_program(commute(tree)) if reduce else map_program(commute(tree))
    result = verify_inductive(u, program, model=NumericModel(), deadline=None, timeout_ms=3000)
    assert result.ok, result.reason


@SETTINGS
@given(trees(), st.integers(0, 50), st.booleans(), st.integers(0, 1000))
def test_a_mutant_is_proved_only_if_it_computes_the_same(tree: Tree, choice: int, reduce: bool, seed: int) -> None:
    mutant = mutate(tree, choice)
    u = sum_unit(tree) if reduce else map_unit(tree)
    program = sum_program(mutant) if reduce else map_program(mutant)
    inductive = verify_inductive(u, program, model=NumericModel(), deadline=None, timeout_ms=3000)
    bounded = verify_bounded(u, program, bound=2, model=NumericModel(), deadline=None)
    if inductive.ok:
        assert bounded.ok and not _differs_concretely(u, program, seed)
    if not bounded.ok:
        assert not inductive.ok
