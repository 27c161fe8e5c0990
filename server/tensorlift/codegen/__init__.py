"""Code generation: rule packs and six targets.

`emit(unit, program, target, packs)` turns a verified TensIR program into target code: the most specific matching
rule of the target's packs where one fits, the target's fallback translator otherwise (so every program gets code,
or a `Refusal` with the reason the target cannot express it). `load_packs(extra)` reads rule packs: the extra
folders first, then the bundled ones in `tensorlift/data/rules`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..kernel.nodes import LiftUnit
from ..tensir.nodes import Program
from .gemmini import emit_gemmini
from .loader import Finding, bundled_rules, load_packs, read_packs
from .model import RulePacks
from .pyemit import Refused, as_function, emit_python
from .pytargets import PY_TARGETS

TARGETS = ("numpy", "torch", "tensorflow", "jax", "mlx", "gemmini")

__all__ = [
    "TARGETS",
    "Emitted",
    "Finding",
    "Refusal",
    "RulePacks",
    "bundled_rules",
    "emit",
    "function_name",
    "load_packs",
    "read_packs",
]


@dataclass(frozen=True, slots=True)
class Emitted:
    """Code replacing the unit (statements over the unit's own variable names; for a C/C++ unit lifted to Python,
    names that are Python keywords are renamed, `in` -> `in_`, as in `function`), the import / #include lines it
    needs, the assumptions it adds to the proof, and the same code as a standalone function over the unit's inputs
    returning its outputs (Python `def`, or a C function for gemmini)."""

    code: str
    imports: tuple[str, ...]
    preconditions: tuple[str, ...]
    function: str | None
    rules: tuple[str, ...] = ()  # ids of the rules that fired (empty: the fallback translator alone)


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: str


def function_name(unit: LiftUnit) -> str:
    """The Python / C identifier a unit's standalone function is named after."""
    name = re.sub(r"\W", "_", unit.id or unit.function)
    return name if name and not name[0].isdigit() else f"unit_{name}"


def _python_preconditions(target: str, program: Program) -> tuple[str, ...]:
    from ..common import DType
    from ..tensir.visit import walk

    if target != "jax":
        return ()
    wide = any(e.dtype in (DType.I64, DType.F64, DType.U64) for s in program.statements
               for root in (s.value, *s.indices) for e in walk(root))
    return ("jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)",) if wide else ()


def emit(unit: LiftUnit, program: Program, target: str, packs: RulePacks) -> Emitted | Refusal:
    """Code for `program` (equivalent to `unit`) on `target`, or the reason there is none."""
    rules = packs.rules_for(target)
    try:
        if target == "gemmini":
            c = emit_gemmini(unit, program, rules)
            return Emitted("\n".join(c.lines), c.imports, c.preconditions, c.function, c.rules)
        if target not in PY_TARGETS:
            return Refusal(f"unknown target {target!r} (targets: {', '.join(TARGETS)})")
        py = emit_python(unit, program, PY_TARGETS[target], rules)
    except Refused as refused:
        return Refusal(str(refused))
    except (KeyError, ValueError, AssertionError, IndexError, TypeError) as error:  # a bug here must not sink a lift
        return Refusal(f"internal error in the {target} emitter ({type(error).__name__}: {error}); please report it")
    imports = list(py.imports)
    for rule in rules:
        if rule.id in py.rules:
            imports.extend(rule.imports)
    preconditions = (*py.preconditions, *_python_preconditions(target, program))
    return Emitted("\n".join(py.lines), tuple(dict.fromkeys(imports)), preconditions,
                   as_function(function_name(unit), py), py.rules)
