"""Soundness over the corpus: for every unit whose lift verifies, planted wrong candidates are rejected by BOTH
verifiers: by the bounded one when they differ at some size within its bound, by the inductive one always.

Mutants of the correct program: a range off by one, swapped operands of a non-commutative operator, a different
operator, a dropped term, a wrong index. A mutant that agrees with the loop on many random examples may be
equivalent (e.g. a range change that only drops a zero term) and is not counted; every mutant the examples tell
apart is wrong, and a verifier that accepted one would be unsound.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import tomllib

from tensorlift.api import detect
from tensorlift.common import BinOp, DType, Language
from tensorlift.kernel.examples import make_examples
from tensorlift.options import LiftOptions
from tensorlift.search.check import agrees
from tensorlift.search.lifter import LiftFailure, lift_unit
from tensorlift.semantics import NumericModel
from tensorlift.tensir import nodes as T
from tensorlift.verify import verify
from tensorlift.verify.bounded import verify_bounded
from tensorlift.verify.inductive import verify_inductive

CORPUS = Path(__file__).resolve().parents[2] / "benchmarks" / "corpus"
FILES = sorted(tomllib.loads((CORPUS / "expected.toml").read_text("utf-8")))
MODEL = NumericModel()

SWAPS = {BinOp.ADD: BinOp.SUB, BinOp.SUB: BinOp.ADD, BinOp.MUL: BinOp.ADD, BinOp.DIV_REAL: BinOp.MUL,
         BinOp.MAX: BinOp.MIN, BinOp.MIN: BinOp.MAX, BinOp.LT: BinOp.GT, BinOp.GT: BinOp.LT, BinOp.LE: BinOp.GE,
         BinOp.GE: BinOp.LE, BinOp.DIV_TRUNC: BinOp.DIV_FLOOR, BinOp.DIV_FLOOR: BinOp.DIV_TRUNC,
         BinOp.MOD_TRUNC: BinOp.MOD_FLOOR, BinOp.MOD_FLOOR: BinOp.MOD_TRUNC}
NON_COMMUTATIVE = {BinOp.SUB, BinOp.DIV_REAL, BinOp.DIV_TRUNC, BinOp.DIV_FLOOR, BinOp.LT, BinOp.GT}
ONE = T.Const(1, DType.I32)
BOUND = 4  # the product's default bound


def _children(e: T.Expr) -> list[tuple[T.Expr, Callable[[T.Expr], T.Expr]]]:
    """Each child with a function that rebuilds `e` around a replacement for it."""
    match e:
        case T.Bin(lhs=lhs, rhs=rhs):
            return [(lhs, lambda x: replace(e, lhs=x)), (rhs, lambda x: replace(e, rhs=x))]
        case T.Unary(operand=x) | T.Cast(operand=x):
            return [(x, lambda y: replace(e, operand=y))]
        case T.Call(args=args):
            return [(a, lambda y, k=k: replace(e, args=(*args[:k], y, *args[k + 1:]))) for k, a in enumerate(args)]
        case T.Select(cond=c, then=t, else_=f):
            return [(c, lambda y: replace(e, cond=y)), (t, lambda y: replace(e, then=y)),
                    (f, lambda y: replace(e, else_=y))]
        case T.Reduce(body=body):
            return [(body, lambda y: replace(e, body=y))]
        case T.Access(indices=indices):
            return [(i, lambda y, k=k: replace(e, indices=(*indices[:k], y, *indices[k + 1:])))
                    for k, i in enumerate(indices)]
        case _:
            return []


def expression_mutants(e: T.Expr) -> Iterator[T.Expr]:
    match e:
        case T.Bin(op=op, lhs=lhs, rhs=rhs):
            if op in SWAPS:
                yield replace(e, op=SWAPS[op])
            if op in NON_COMMUTATIVE:
                yield replace(e, lhs=rhs, rhs=lhs)
            if op in (BinOp.ADD, BinOp.SUB) and lhs.dtype == e.dtype:
                yield lhs  # a dropped term
        case T.Reduce(hi=hi):
            yield replace(e, hi=T.Bin(BinOp.SUB, hi, ONE, hi.dtype))
        case T.Access(indices=indices) if len(indices) == 2 and indices[0] != indices[1]:
            yield replace(e, indices=(indices[1], indices[0]))
        case T.Access(indices=(index,)):
            yield replace(e, indices=(T.Bin(BinOp.ADD, index, ONE, index.dtype),))
    for child, rebuild in _children(e):
        for mutant in expression_mutants(child):
            yield rebuild(mutant)


def program_mutants(program: T.Program) -> Iterator[T.Program]:
    for k, statement in enumerate(program.statements):
        def with_statement(s: T.Statement, k: int = k) -> T.Program:
            return T.Program((*program.statements[:k], s, *program.statements[k + 1:]))

        for value in expression_mutants(statement.value):
            yield with_statement(replace(statement, value=value))
        for d, loop in enumerate(statement.domain):
            shorter = replace(loop, hi=T.Bin(BinOp.SUB, loop.hi, ONE, loop.hi.dtype))
            domain = (*statement.domain[:d], shorter, *statement.domain[d + 1:])
            yield with_statement(replace(statement, domain=domain))


@pytest.mark.slow
@pytest.mark.parametrize("relative", FILES)
def test_wrong_candidates_are_rejected_by_both_verifiers(relative: str) -> None:
    data = (CORPUS / relative).read_bytes()
    language = Language.from_path(relative)
    assert language is not None
    tried = 0
    for unit in detect(data, language, relative).units:
        try:
            program = lift_unit(unit)
        except LiftFailure:
            continue
        status, _, _ = verify(unit, program, LiftOptions(), time.monotonic() + 20)
        if status.value == "not-lifted":
            continue
        examples = make_examples(unit, seed=99, count=8)
        for mutant in list(program_mutants(program))[:12]:
            if agrees(unit, mutant, examples, MODEL):
                continue  # not told apart by testing: possibly equivalent, not counted
            bounded = verify_bounded(unit, mutant, bound=BOUND, model=MODEL, deadline=time.monotonic() + 20)
            if bounded.ok:
                # `bounded` claims equality for every size up to the bound it reports (it may stop short of BOUND
                # at its deadline): the mutant must then really agree on every example within that bound.
                within = tuple(e for e in examples if max(e.sizes.values(), default=0) <= (bounded.bound or 0))
                assert agrees(unit, mutant, within, MODEL), (
                    f"{relative} {unit.id}: the bounded verifier accepted a candidate that is wrong within its bound")
            inductive = verify_inductive(unit, mutant, model=MODEL, deadline=time.monotonic() + 20)
            assert not inductive.ok, f"{relative} {unit.id}: the inductive verifier accepted a wrong candidate"
            tried += 1
    if tried == 0:
        pytest.skip(f"{relative}: no verified unit with a distinguishable mutant")
