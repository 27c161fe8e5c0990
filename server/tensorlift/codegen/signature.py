"""Input signatures (`A = "f64[m, p]"`, `x = "i64[1]"`, `n = "i64"`) and the `LiftUnit` a bare TensIR program
stands for: what rule examples, `rules test`, the differential tests and the speed benchmark emit code from."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..common import DType, Language, Position, Span
from ..kernel import nodes as k
from ..tensir import nodes as t

_SIG = re.compile(r"^\s*([a-z0-9]+)\s*(?:\[(.*)\])?\s*$")


@dataclass(frozen=True, slots=True)
class Signature:
    env: Mapping[str, t.TensorType]
    shapes: Mapping[str, tuple[str | int | None, ...]]  # per array: extents by size name or number, None unknown


def parse_signature(inputs: Mapping[str, str]) -> Signature:
    """Parse `name -> "dtype"`, `"dtype[rank]"` or `"dtype[e0, e1]"` (an extent `_` is unknown: `i8[_, n]` is a
    flattened row-major array in C); raises ValueError on a malformed entry."""
    env: dict[str, t.TensorType] = {}
    shapes: dict[str, tuple[str | int | None, ...]] = {}
    for name, text in inputs.items():
        m = _SIG.match(text)
        if m is None or m.group(1) not in {d.value for d in DType}:
            raise ValueError(f"{name}: {text!r} is not a signature such as f64, i32[2] or f32[m, n]")
        dtype = DType(m.group(1))
        dims = m.group(2)
        if dims is None:
            env[name] = t.TensorType(dtype, 0)
            continue
        parts = [p.strip() for p in dims.split(",")]
        if len(parts) == 1 and parts[0].isdigit():
            env[name] = t.TensorType(dtype, int(parts[0]))
            shapes[name] = (None,) * int(parts[0])
            continue
        env[name] = t.TensorType(dtype, len(parts))
        shapes[name] = tuple(int(p) if p.isdigit() else None if p in ("_", "?") else p for p in parts)
    return Signature(env, shapes)


def size_names(sig: Signature, program: t.Program) -> tuple[str, ...]:
    """Integer scalars used as extents or loop bounds: the sizes examples vary."""
    from ..tensir.visit import walk

    names: set[str] = {e for shape in sig.shapes.values() for e in shape if isinstance(e, str)}
    for s in program.statements:
        bounds: list[t.Expr] = [b for loop in s.domain for b in (loop.lo, loop.hi)]
        for expr in (s.value, *s.indices):
            bounds += [r for x in walk(expr) if isinstance(x, t.Reduce) for r in (x.lo, x.hi)]
        for b in bounds:
            names |= {x.name for x in walk(b) if isinstance(x, t.Scalar)}
    return tuple(n for n in sig.env if n in names and sig.env[n].dtype.is_int)


def _span() -> Span:
    return Span(Position(0, 0), Position(0, 0))


def unit_for(program: t.Program, sig: Signature, name: str = "kernel",
             language: Language = Language.PYTHON, in_place: tuple[str, ...] = ()) -> k.LiftUnit:
    """The unit a program over `sig` stands for: every signature entry an input, every statement target an output
    (fresh unless it is an input)."""
    params: list[k.Param] = []
    for pname, ty in sig.env.items():
        shape = sig.shapes.get(pname)
        kshape: tuple[k.Expr | None, ...] | None = None
        if shape is not None:
            kshape = tuple(
                None if e is None else k.Const(e, DType.I64) if isinstance(e, int) else k.Var(e, DType.I64)
                for e in shape)
        params.append(k.Param(pname, "array" if ty.rank else "scalar", ty.dtype, ty.rank, kshape))
    outputs: dict[str, k.Output] = {}
    for s in program.statements:
        if s.target in outputs:
            continue
        rank = len(s.indices)
        fresh = s.target not in sig.env
        outputs[s.target] = k.Output(s.target, "array" if rank else "scalar", s.dtype, rank, fresh)
    sizes = size_names(sig, program)
    return k.LiftUnit(id=name, function=name, language=language, span=_span(), body=(), inputs=tuple(params),
                      outputs=tuple(outputs.values()), sizes=sizes)
