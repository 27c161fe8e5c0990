"""Examples for a unit: size assignments, input arrays of the shapes those sizes need, and the loop's outputs.

Shapes come from a *probe*: the unit's own interpreter run with concrete sizes, where reads of input arrays
return a placeholder and record the index instead of touching storage. The largest index seen per axis, plus
one, is the extent that axis needs (declared shapes and `Dim` extents win where the unit has them). Array
contents are small: ints in [-9, 9], floats multiples of 1/4 in [-4, 4] — exact in binary, so sums and
products do not depend on evaluation order and a reassociating candidate is not rejected for rounding.

Sizes: the free ones (`free_sizes`: named sizes and `Dim` extents) are drawn, 0 and 1 included; sizes the unit's
assumptions define from extents (`rows == dim(img, 0)`) are derived (`complete_sizes`), so they never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..common import BinOp, DType
from ..semantics import ConcreteDomain, EvaluationError, NumericModel
from .affine import from_poly, linear_in, to_poly
from .interp import Interpreter, State, Value, run_unit
from .nodes import Assign, Bin, Dim, Expr, For, If, LiftUnit, Load, Param, Stmt, Store, Var
from .visit import all_exprs, free_vars, stmt_exprs, walk_expr

PROBE_STEPS = 100_000  # loop iterations a shape probe may take
RETRIES = 5  # input draws per size assignment before the assignment is dropped


@dataclass(frozen=True, slots=True)
class Example:
    sizes: dict[str, int]
    inputs: dict[str, Value]  # every input of the unit, sizes included; arrays are numpy object arrays
    outputs: dict[str, Value]  # `run_unit` over `ConcreteDomain` on `inputs`


def dim_refs(unit: LiftUnit) -> tuple[tuple[str, int], ...]:
    """The `(array, axis)` extents the unit reads with `Dim` and no declared shape fixes: sizes of their own,
    chosen with the named ones."""
    declared = {
        (p.name, axis) for p in unit.inputs for axis, extent in enumerate(p.shape or ()) if extent is not None
    }
    exprs = [*all_exprs(unit.body)]
    for p in unit.inputs:
        for extent in p.shape or ():
            if extent is not None:
                exprs.extend(walk_expr(extent))
    for a in unit.assumptions:
        exprs.extend(walk_expr(a))
    found: list[tuple[str, int]] = []
    for e in exprs:
        if isinstance(e, Dim) and (e.array, e.axis) not in found and (e.array, e.axis) not in declared:
            found.append((e.array, e.axis))
    return tuple(found)


def _derived(unit: LiftUnit) -> dict[str, Expr]:
    """Sizes the unit's assumptions define from extents (`rows == dim(img, 0)`, `n == len(a) - 1`)."""
    found: dict[str, Expr] = {}
    for a in unit.assumptions:
        if isinstance(a, Bin) and a.op is BinOp.EQ and isinstance(a.lhs, Var) and not free_vars(a.rhs):
            found.setdefault(a.lhs.name, a.rhs)
    return found


def free_sizes(unit: LiftUnit) -> tuple[tuple[str, ...], tuple[tuple[str, int], ...]]:
    """The sizes and `Dim` extents that can be chosen independently; `complete_sizes` derives the rest."""
    derived = _derived(unit)
    return tuple(s for s in unit.sizes if s not in derived), dim_refs(unit)


def complete_sizes(
    unit: LiftUnit, sizes: Mapping[str, int], dims: Mapping[tuple[str, int], int] | None = None
) -> tuple[dict[str, int], dict[tuple[str, int], int]]:
    """`sizes` and `dims` with the derived ones filled in: a size defined as an extent from that extent (or the
    extent from the size, when only the size is given), a size defined as a constant from the constant."""
    sizes, dims = dict(sizes), dict(dims or {})
    derived = _derived(unit)
    for name, definition in derived.items():
        if isinstance(definition, Dim) and name in sizes:
            dims.setdefault((definition.array, definition.axis), sizes[name])
    for name, definition in derived.items():
        if name not in sizes:
            sizes[name] = _probe(unit, sizes, dims).index(definition)
    return sizes, dims


# ----------------------------------------------------------------------------------------------------- shapes


class _Probe(Interpreter):
    """Runs the unit with input arrays replaced by recorders: every index is noted, reads give a placeholder (or
    what the unit itself wrote there)."""

    def __init__(self, unit: LiftUnit, state: State, dims: Mapping[tuple[str, int], int]) -> None:
        super().__init__(ConcreteDomain(), state, PROBE_STEPS)
        self.arrays = {p.name: p for p in unit.inputs if p.kind == "array"}
        self.dims = dims
        self.largest: dict[str, list[int]] = {name: [-1] * p.rank for name, p in self.arrays.items()}
        self.written: dict[tuple[str, tuple[int, ...]], Value] = {}

    def _note(self, name: str, index: tuple[int, ...]) -> Param:
        param = self.arrays[name]
        if len(index) != param.rank:
            raise self.error(f"{name} is indexed with {len(index)} indices but has rank {param.rank}")
        if any(x < 0 for x in index):
            raise self.error(f"{name}{list(index)} has a negative index")
        self.largest[name] = [max(a, b) for a, b in zip(self.largest[name], index, strict=True)]
        return param

    def read_element(self, name: str, index: tuple[int, ...]) -> tuple[Value, DType]:
        if name not in self.arrays or name in self.state.arrays:
            return super().read_element(name, index)
        param = self._note(name, index)
        placeholder = self.domain.const(1, param.dtype)
        return self.written.get((name, index), placeholder), param.dtype

    def write_element(self, name: str, index: tuple[int, ...], value: Value, dtype: DType) -> None:
        if name not in self.arrays or name in self.state.arrays:
            return super().write_element(name, index, value, dtype)
        param = self._note(name, index)
        self.written[(name, index)] = self.convert(value, dtype, param.dtype)

    def extent(self, name: str, axis: int) -> int:
        if name in self.state.arrays:
            return super().extent(name, axis)
        if (name, axis) in self.dims:
            return self.dims[(name, axis)]
        param = self.arrays.get(name)
        declared = param.shape[axis] if param is not None and param.shape and axis < len(param.shape) else None
        if declared is None:
            raise ValueError(f"no extent given for dim({name}, {axis})")
        return self.index(declared)


def _probe(unit: LiftUnit, sizes: Mapping[str, int], dims: Mapping[tuple[str, int], int]) -> _Probe:
    domain = ConcreteDomain()
    scalars: dict[str, tuple[Value, DType]] = {}
    for p in unit.inputs:
        if p.kind == "scalar":
            # Sizes as given; other scalars (coefficients, accumulators) do not move indices, so 1 will do.
            scalars[p.name] = (domain.const(sizes.get(p.name, 1), p.dtype), p.dtype)
    return _Probe(unit, State(scalars, {}), dims)


def _unvisited_extents(unit: LiftUnit, probe: _Probe) -> dict[tuple[str, int], int]:
    """Extents for axes no iteration touched because an *outer* loop is empty: `B[i, j]` with no rows still has
    `j`'s range of columns, so that arrays meant to line up (`A - B`) have the same shape when empty. Each axis
    gets the largest value its index takes over the loops it is written in, ranges evaluated from sizes alone."""
    found: dict[tuple[str, int], int] = {}

    def note(array: str, indices: tuple[Expr, ...], ranges: dict[str, tuple[int, int] | None]) -> None:
        for axis, index in enumerate(indices):
            poly = to_poly(index)
            parts = linear_in(poly, frozenset(ranges)) if poly is not None else None
            if parts is None:
                continue
            coeffs, rest = parts
            try:
                top = probe.index(from_poly(rest))
            except (EvaluationError, ValueError):
                continue
            for var, coeff in coeffs.items():
                c, r = coeff.constant, ranges[var]
                if c is None or r is None:
                    break
                top += c * (r[1] if c > 0 else r[0])
            else:
                found[(array, axis)] = max(found.get((array, axis), 0), top + 1)

    def walk(stmts: tuple[Stmt, ...], ranges: dict[str, tuple[int, int] | None]) -> None:
        for stmt in stmts:
            for expr in stmt_exprs(stmt):
                for node in walk_expr(expr):
                    if isinstance(node, Load):
                        note(node.array, node.indices, ranges)
            match stmt:
                case Assign(Store(array, indices, _), _, _):
                    note(array, indices, ranges)
                case For(var, start, stop, step, body, _):
                    walk(body, {**ranges, var: _range_of(probe, start, stop, step, frozenset(ranges))})
                case If(_, then, else_, _):
                    walk(then, ranges)
                    walk(else_, ranges)
                case _:
                    pass

    walk(unit.body, {})
    return found


def _range_of(probe: _Probe, start: Expr, stop: Expr, step: int, loops: frozenset[str]) -> tuple[int, int] | None:
    """A loop's smallest and largest value, when its bounds depend on sizes only and it is not empty."""
    if (free_vars(start) | free_vars(stop)) & loops:
        return None
    try:
        lo, hi = probe.index(start), probe.index(stop)
    except (EvaluationError, ValueError):
        return None
    first, last = (lo, hi - 1) if step > 0 else (hi + 1, lo)
    return (first, last) if first <= last else None


def required_shapes(
    unit: LiftUnit, sizes: Mapping[str, int], dims: Mapping[tuple[str, int], int] | None = None
) -> dict[str, tuple[int, ...]]:
    """The shape each input array needs so that every access of the unit is in range, for these sizes and `Dim`
    extents. Raises `EvaluationError` when no shape can satisfy them (an index past a given `Dim`, a negative
    index) and `ValueError` when a size or extent the unit reads is missing."""
    sizes, dims = complete_sizes(unit, sizes, dims)
    for name in unit.sizes:
        if name not in sizes:
            raise ValueError(f"{unit.id}: no value for size {name!r}")
    probe = _probe(unit, sizes, dims)
    probe.run(unit.body)
    shapes: dict[str, tuple[int, ...]] = {}
    for name, param in probe.arrays.items():
        unseen = _unvisited_extents(unit, probe)
        needed = [x + 1 if x >= 0 else unseen.get((name, axis), 0) for axis, x in enumerate(probe.largest[name])]
        shape: list[int] = []
        for axis in range(param.rank):
            given: int | None = dims.get((name, axis))
            if given is None and param.shape and axis < len(param.shape) and param.shape[axis] is not None:
                given = probe.extent(name, axis)
            if given is not None and given < needed[axis]:
                raise EvaluationError(f"{name} needs extent {needed[axis]} on axis {axis} but has {given}")
            shape.append(given if given is not None else needed[axis])
        shapes[name] = tuple(shape)
    return shapes


# ---------------------------------------------------------------------------------------------------- values


# How values are drawn: anything in range first; after a draw the loop could not run on, no zeros (divisors),
# then only positive values (sqrt, log, a divisor's sign).
Mode = Literal["any", "nonzero", "positive"]
_MODES: tuple[Mode, ...] = ("any", "nonzero", "positive")


def _random_scalar(dtype: DType, rng: np.random.Generator, mode: Mode = "any") -> int | float | bool:
    if dtype is DType.BOOL:
        return True if mode != "any" else bool(rng.integers(0, 2))
    value: int | float
    if dtype.is_float:
        value = float(rng.integers(1 if mode == "positive" else -16, 17)) / 4
    else:
        value = int(rng.integers(1 if mode == "positive" else -9 if dtype.is_signed else 0, 10))
    if mode == "nonzero" and value == 0:
        value = type(value)(1)
    return value


def _random_array(shape: tuple[int, ...], dtype: DType, rng: np.random.Generator, mode: Mode) -> np.ndarray:
    data = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        data[index] = _random_scalar(dtype, rng, mode)
    return data


def example_inputs_for_sizes(
    unit: LiftUnit,
    sizes: Mapping[str, int],
    rng: np.random.Generator,
    dims: Mapping[tuple[str, int], int] | None = None,
    mode: Mode = "any",
) -> dict[str, Value]:
    """Random inputs for one size assignment: every input array in its `required_shapes` shape, sizes as given,
    other scalars random. The bounded verifier replaces the contents with symbols and keeps the shapes."""
    sizes, dims = complete_sizes(unit, sizes, dims)
    return _inputs(unit, sizes, required_shapes(unit, sizes, dims), rng, mode)


def _inputs(
    unit: LiftUnit, sizes: Mapping[str, int], shapes: Mapping[str, tuple[int, ...]], rng: np.random.Generator,
    mode: Mode,
) -> dict[str, Value]:
    inputs: dict[str, Value] = {}
    for p in unit.inputs:
        if p.kind == "array":
            inputs[p.name] = _random_array(shapes[p.name], p.dtype, rng, mode)
        elif p.name in sizes:
            inputs[p.name] = int(sizes[p.name])
        else:
            inputs[p.name] = _random_scalar(p.dtype, rng, mode)
    return inputs


# ----------------------------------------------------------------------------------------------- assignments

SizeAssignment = tuple[dict[str, int], dict[tuple[str, int], int]]


def _holds(unit: LiftUnit, sizes: Mapping[str, int], dims: Mapping[tuple[str, int], int]) -> bool:
    """Whether the unit's assumptions hold for these sizes (an assumption that cannot be decided from sizes
    alone does not rule an assignment out)."""
    probe = _probe(unit, sizes, dims)
    for assumption in unit.assumptions:
        try:
            if not probe.domain.truth(probe.eval(assumption)):
                return False
        except (EvaluationError, ValueError):
            continue
    return True


def _assignments(unit: LiftUnit, count: int, rng: np.random.Generator) -> list[SizeAssignment]:
    """`count` size assignments: one of all-distinct sizes in 2..7, all 1, all 0, then independent draws from
    0..7 (biased to 2..7; 6 or 5 for nests of three or more sizes); ones that break an assumption are redrawn a
    few times, then dropped."""
    free, extents = free_sizes(unit)
    names: list[str | tuple[str, int]] = [*free, *extents]

    def split(values: list[int]) -> SizeAssignment:
        sizes = {n: v for n, v in zip(names, values, strict=True) if isinstance(n, str)}
        dims = {n: v for n, v in zip(names, values, strict=True) if not isinstance(n, str)}
        return complete_sizes(unit, sizes, dims)

    # Deep nests get smaller sizes: the loop runs once per example and per candidate check.
    top = 7 if len(names) <= 2 else 6 if len(names) == 3 else 5

    def draw() -> list[int]:
        return [int(rng.choice(top + 1, p=[0.1, 0.1] + [0.8 / (top - 1)] * (top - 1))) for _ in names]

    distinct = [int(v) for v in rng.permutation(np.arange(2, top + 1))[: len(names)]]
    if len(distinct) < len(names):
        distinct += [int(v) for v in rng.integers(2, top + 1, size=len(names) - len(distinct))]
    if not names:  # fixed shapes: every example has them, with its own contents
        return [split([])] * count if _holds(unit, *split([])) else []
    plans = [distinct, [1] * len(names), [0] * len(names)]
    result: list[SizeAssignment] = []
    seen: set[tuple[int, ...]] = set()
    for k in range(count):
        values = plans[k] if k < len(plans) else draw()
        for _ in range(10):
            if tuple(values) not in seen and _holds(unit, *split(values)):
                break
            values = draw()
        else:
            continue
        seen.add(tuple(values))
        result.append(split(values))
    return result


def make_examples(
    unit: LiftUnit, *, seed: int, count: int = 6, model: NumericModel = NumericModel()
) -> tuple[Example, ...]:
    """Up to `count` examples, deterministic for `seed`. An assignment whose inputs keep raising
    `EvaluationError` (a zero divisor, an empty max) is dropped after a few draws; if every one is dropped, the
    last error is raised, since it says why the loop cannot run. A unit marked `unsupported` raises its reason."""
    if unit.unsupported is not None:  # it might not even run into the statement at size 0: say so up front
        raise EvaluationError(unit.unsupported)
    rng = np.random.default_rng(seed)
    domain = ConcreteDomain(model)
    examples: list[Example] = []
    last: EvaluationError | None = None
    shapes_for: dict[str, dict[str, tuple[int, ...]]] = {}
    for sizes, dims in _assignments(unit, count, rng):
        for attempt in range(RETRIES):
            try:
                key = repr((sorted(sizes.items()), sorted(dims.items())))
                if key not in shapes_for:
                    shapes_for[key] = required_shapes(unit, sizes, dims)
                inputs = _inputs(unit, sizes, shapes_for[key], rng, _MODES[min(attempt, len(_MODES) - 1)])
                outputs = run_unit(unit, inputs, domain)
            except EvaluationError as error:
                last = error
                continue
            examples.append(Example(dict(sizes), inputs, outputs))
            break
    if not examples and last is not None:
        raise last
    return tuple(examples)
