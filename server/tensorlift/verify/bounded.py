"""The bounded verifier: Kernel ≡ TensIR for every size assignment up to a bound, on symbolic contents.

Per assignment of the unit's sizes and `Dim` extents, every input element and non-size scalar is a fresh Z3
constant; both IRs' own evaluators run over ONE `Z3Domain` (so they share the uninterpreted math functions) and
one solver query asks for inputs, satisfying the unit's assumptions, on which some output element differs. An
`unknown` answer is a failure. Assignments are tried smallest first; when the cap stops the enumeration early,
the bound reported is the largest one all of whose assignments were checked.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import z3

from ..common import BinOp, DType
from ..kernel import nodes as k
from ..kernel.nodes import LiftUnit
from ..semantics import EvaluationError, NumericModel, Z3Domain, Z3Semantics
from ..tensir import nodes as t
from .assumptions import assumption_sentences
from .guards import clobber_reason
from .result import Check, VerifyResult
from .solving import Checker, Obligation, ProofFailure

MAX_ASSIGNMENTS = 160  # solver checks per candidate
MAX_ENUMERATED = 5000  # assignments looked at (most break an assumption and cost no solver call)
Dims = Mapping[tuple[str, int], int]


@dataclass(frozen=True, slots=True)
class Assignment:
    sizes: dict[str, int]
    dims: dict[tuple[str, int], int]

    def describe(self) -> str:
        parts = [f"{n}={v}" for n, v in self.sizes.items()]
        parts += [f"dim({a},{x})={v}" for (a, x), v in self.dims.items()]
        return ", ".join(parts) or "no sizes"


@dataclass(frozen=True, slots=True)
class _Verdict:
    ok: bool
    skipped: bool = False
    counterexample: str | None = None
    reason: str | None = None
    checks: tuple[Check, ...] = ()


def assignments(unit: LiftUnit, bound: int) -> Iterator[tuple[int, Assignment]]:
    """Every assignment of sizes and Dim extents in 0..bound, by increasing largest value (then sum), with that
    largest value. An extent the unit's assumptions equate to a size (`n == len(a)`) or to an earlier extent
    takes its value instead of being enumerated: the other combinations break an assumption anyway."""
    from ..kernel.examples import dim_refs

    tied = _ties(unit)
    free: list[str | tuple[str, int]] = [*unit.sizes, *(d for d in dim_refs(unit) if d not in tied)]
    combos = sorted(itertools.product(range(bound + 1), repeat=len(free)), key=lambda c: (max(c, default=0),
                                                                                           sum(c), c))
    for combo in combos:
        values: dict[str | tuple[str, int], int] = dict(zip(free, combo, strict=True))
        for dim, same in tied.items():
            if same in values:
                values[dim] = values[same]
        sizes = {n: v for n, v in values.items() if isinstance(n, str)}
        dims = {n: v for n, v in values.items() if not isinstance(n, str)}
        yield max(combo, default=0), Assignment(sizes, dims)


def _ties(unit: LiftUnit) -> dict[tuple[str, int], str | tuple[str, int]]:
    """Extents that an assumption `x == dim(a, k)` (casts aside) makes equal to a size or an earlier extent."""
    ties: dict[tuple[str, int], str | tuple[str, int]] = {}
    for assumption in unit.assumptions:
        if not (isinstance(assumption, k.Bin) and assumption.op is BinOp.EQ):
            continue
        a, b = _uncast(assumption.lhs), _uncast(assumption.rhs)
        if isinstance(a, k.Dim) and not isinstance(b, k.Dim):
            a, b = b, a
        if not isinstance(b, k.Dim) or (b.array, b.axis) in ties:
            continue
        if isinstance(a, k.Var) and a.name in unit.sizes:
            ties[(b.array, b.axis)] = a.name
        elif isinstance(a, k.Dim) and (a.array, a.axis) not in ties and (a.array, a.axis) != (b.array, b.axis):
            ties[(b.array, b.axis)] = (a.array, a.axis)
    return ties


def _uncast(e: k.Expr) -> k.Expr:
    while isinstance(e, k.Cast):
        e = e.operand
    return e


def verify_bounded(unit: LiftUnit, program: t.Program, *, bound: int, model: NumericModel, deadline: float | None,
                   timeout_ms: int = 5000, max_assignments: int = MAX_ASSIGNMENTS) -> VerifyResult:
    sentences = assumption_sentences(unit, model)
    clobbers = clobber_reason(unit, program)
    if clobbers:
        return VerifyResult(False, "bounded", bound, None, clobbers, sentences)
    checker = Checker(timeout_ms, deadline)
    checks: list[Check] = []
    checked = skipped = 0
    complete_upto = -1  # every assignment with values <= this was checked
    level = 0
    try:
        for largest, assignment in assignments(unit, bound):
            if largest != level:
                complete_upto, level = level, largest
            if checked >= max_assignments or checked + skipped >= MAX_ENUMERATED:
                break
            verdict = _check_assignment(unit, program, assignment, model, checker)
            if verdict.skipped:
                skipped += 1
                continue
            if not verdict.ok:
                return VerifyResult(False, "bounded", bound, verdict.counterexample, verdict.reason, sentences)
            checked += 1
            checks += verdict.checks
        else:
            complete_upto = bound
    except ProofFailure as error:
        # out of time: every size up to the last complete level was still checked, and that is what is stated
        if complete_upto < 1:
            return VerifyResult(False, "bounded", bound, None, str(error), sentences)
        return VerifyResult(True, "bounded", complete_upto, None, f"{error}; checked every size up to "
                            f"{complete_upto} only", sentences, tuple(checks))
    if checked == 0:
        return VerifyResult(False, "bounded", bound, None,
                            f"no size assignment up to {bound} gives the loop a defined result ({skipped} tried)",
                            sentences)
    if complete_upto < 1:
        return VerifyResult(False, "bounded", complete_upto, None,
                            "too many sizes to check every assignment up to 1 within the cap", sentences)
    return VerifyResult(True, "bounded", complete_upto, None, None, sentences, tuple(checks))


def refute_small(unit: LiftUnit, program: t.Program, sizes: Mapping[str, int], dims: Dims | None = None, *,
                 model: NumericModel = NumericModel(), timeout_ms: int = 1000) -> str | None:
    """A counterexample at these sizes, or None when the candidate agrees on every input there (or the check
    was inconclusive: refutation is for pruning a search, never for accepting)."""
    verdict = _check_assignment(unit, program, Assignment(dict(sizes), dict(dims or {})), model,
                                Checker(timeout_ms, None))
    return None if verdict.ok or verdict.skipped or verdict.counterexample is None else verdict.counterexample


# ------------------------------------------------------------------------------------------------- one assignment


@dataclass(frozen=True, slots=True)
class _KernelSide:
    """The unit run symbolically at one assignment: what every candidate checked there is compared with. `None`
    in `expected` means the assignment is skipped (no input has these sizes, an assumption fails, or the loop has
    no defined result there)."""

    sem: Z3Semantics
    domain: Z3Domain
    inputs: dict[str, object]
    symbols: list[tuple[str, z3.ExprRef]]
    premises: tuple[z3.BoolRef, ...]
    expected: dict[str, object] | None


# The last units' runs, per assignment: the search and the product verify several candidates of one unit, and
# the Kernel side does not depend on the candidate. Keyed by the unit's identity (the unit is kept alive with the
# entry, so its id cannot be reused meanwhile).
_CACHE_SIZE = 256
_kernel_runs: OrderedDict[tuple[int, NumericModel, str], tuple[LiftUnit, _KernelSide]] = OrderedDict()
_cache_lock = threading.Lock()


def _kernel_side(unit: LiftUnit, assignment: Assignment, model: NumericModel) -> _KernelSide:
    key = (id(unit), model, repr((sorted(assignment.sizes.items()), sorted(assignment.dims.items()))))
    with _cache_lock:
        hit = _kernel_runs.get(key)
        if hit is not None and hit[0] is unit:
            _kernel_runs.move_to_end(key)
            return hit[1]
    side = _run_kernel(unit, assignment, model)
    with _cache_lock:
        _kernel_runs[key] = (unit, side)
        while len(_kernel_runs) > _CACHE_SIZE:
            _kernel_runs.popitem(last=False)
    return side


def _run_kernel(unit: LiftUnit, assignment: Assignment, model: NumericModel) -> _KernelSide:
    from ..kernel.examples import required_shapes
    from ..kernel.interp import Interpreter, initial_state, run_unit

    sem = Z3Semantics(model)
    domain = Z3Domain(sem)

    def skipped(inputs: dict[str, object] | None = None) -> _KernelSide:
        return _KernelSide(sem, domain, inputs or {}, [], (), None)

    try:
        shapes = required_shapes(unit, assignment.sizes, assignment.dims)
    except (EvaluationError, ValueError):
        return skipped()  # no input has these sizes (an index past a given extent)
    inputs, symbols = _symbolic_inputs(unit, assignment, shapes, sem)
    premises: list[z3.BoolRef] = []
    probe = Interpreter(domain, initial_state(unit, inputs, domain))
    for assumption in unit.assumptions:
        try:
            holds = probe.eval_bool(assumption)
        except EvaluationError:
            continue  # about something this unit cannot see: not using it only makes the check stronger
        if domain.truth(holds) is False:
            return skipped()
        premises.append(holds)
    try:
        expected = run_unit(unit, inputs, domain)
    except EvaluationError:
        return skipped()  # the source has no defined result at these sizes
    return _KernelSide(sem, domain, inputs, symbols, tuple(premises), dict(expected))


def _check_assignment(unit: LiftUnit, program: t.Program, assignment: Assignment, model: NumericModel,
                      checker: Checker) -> _Verdict:
    from ..tensir.interp import run

    where = assignment.describe()
    clobbers = clobber_reason(unit, program)
    if clobbers:
        return _Verdict(False, counterexample=f"at {where}: {clobbers}", reason=clobbers)
    side = _kernel_side(unit, assignment, model)
    if side.expected is None:
        return _Verdict(True, skipped=True)
    sem, domain, inputs, symbols, premises, expected = (side.sem, side.domain, side.inputs, side.symbols,
                                                         side.premises, side.expected)
    try:
        got = run(program, inputs, domain)
    except EvaluationError as error:
        return _Verdict(False, counterexample=f"at {where}: the candidate is undefined ({error}) where the loop "
                        "is not", reason=f"candidate undefined at {where}")
    except (KeyError, ValueError, TypeError, IndexError) as error:  # a candidate that does not fit the unit
        return _Verdict(False, counterexample=f"at {where}: the candidate cannot run ({error!r})",
                        reason=f"the candidate cannot run on this loop's inputs: {error!r}")
    goals: list[z3.BoolRef] = []
    compared: list[tuple[str, object, object, DType]] = []  # (element, loop's value, candidate's value, dtype)
    for out in unit.outputs:
        if out.name not in got:
            return _Verdict(False, counterexample=f"at {where}: the candidate does not compute {out.name}",
                            reason=f"candidate does not compute output {out.name}")
        mine, theirs = expected[out.name], got[out.name]
        if out.kind == "array":
            left, right = np.asarray(mine, dtype=object), np.asarray(theirs, dtype=object)
            if left.shape != right.shape:
                return _Verdict(False, counterexample=f"at {where}: {out.name} has shape {list(left.shape)}, the "
                                f"candidate's {list(right.shape)}", reason=f"output {out.name} has the wrong shape")
            for i in np.ndindex(left.shape):
                goals.append(_equal(sem, left[i], right[i], out.dtype))
                compared.append((f"{out.name}[{','.join(map(str, i))}]", left[i], right[i], out.dtype))
        else:
            goals.append(_equal(sem, mine, theirs, out.dtype))
            compared.append((out.name, mine, theirs, out.dtype))
    outcome = checker.discharge(Obligation(f"outputs agree at {where}", premises, z3.And(*goals)))
    if outcome.ok:
        return _Verdict(True, checks=outcome.checks)
    if outcome.model is not None:
        shown = _show_model(outcome.model, symbols)
        differs = _first_difference(outcome.model, sem, compared)
        return _Verdict(False, counterexample=f"at {where}, inputs {shown}: {differs}",
                        reason=f"differs from the loop at {where}")
    return _Verdict(False, reason=f"at {where}: {outcome.reason}")


def _symbolic_inputs(unit: LiftUnit, assignment: Assignment, shapes: Mapping[str, tuple[int, ...]],
                     sem: Z3Semantics) -> tuple[dict[str, object], list[tuple[str, z3.ExprRef]]]:
    inputs: dict[str, object] = {}
    symbols: list[tuple[str, z3.ExprRef]] = []
    for p in unit.inputs:
        if p.kind == "array":
            shape = shapes.get(p.name, (0,) * p.rank)
            data = np.empty(shape, dtype=object)
            for index in np.ndindex(shape):
                label = f"{p.name}[{','.join(map(str, index))}]"
                data[index] = sem.fresh(label, p.dtype)
                symbols.append((label, data[index]))
            inputs[p.name] = data
        elif p.name in assignment.sizes:
            inputs[p.name] = sem.const(assignment.sizes[p.name], p.dtype)
        else:
            inputs[p.name] = sem.fresh(p.name, p.dtype)
            symbols.append((p.name, inputs[p.name]))
    return inputs, symbols


def _equal(sem: Z3Semantics, a: object, b: object, dtype: DType) -> z3.BoolRef:
    x, y = _term(sem, a, dtype), _term(sem, b, dtype)
    if x.sort() != y.sort():
        raise ProofFailure(f"an output element has sort {x.sort()} on one side and {y.sort()} on the other")
    return sem.equal(x, y, dtype)


def _term(sem: Z3Semantics, value: object, dtype: DType) -> z3.ExprRef:
    if isinstance(value, z3.ExprRef):
        return value
    if isinstance(value, (bool, int, float)):
        return sem.const(value, dtype)
    raise ProofFailure(f"an output element has no value ({value!r})")


def _first_difference(model: z3.ModelRef, sem: Z3Semantics,
                      compared: list[tuple[str, object, object, DType]]) -> str:
    for label, mine, theirs, dtype in compared:
        if z3.is_false(model.eval(_equal(sem, mine, theirs, dtype), model_completion=True)):
            loop = model.eval(_term(sem, mine, dtype), model_completion=True)
            cand = model.eval(_term(sem, theirs, dtype), model_completion=True)
            return f"{label} is {loop} from the loop but {cand} from the candidate"
    return "the outputs differ"


def _show_model(model: z3.ModelRef, symbols: list[tuple[str, z3.ExprRef]]) -> str:
    shown = [f"{label}={model.eval(term, model_completion=True)}" for label, term in symbols]
    return "{" + ", ".join(shown[:24]) + (", …" if len(shown) > 24 else "") + "}"
