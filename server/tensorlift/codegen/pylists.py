"""Which arrays of a Python unit may be Python lists, and which names emitted code must not use as they are.

Python code indexes lists and NumPy arrays alike (`xs[i]`), so a loop over a list lifts to the same TensIR as a
loop over an array; but `xs * k` repeats a list (or raises), `hidden += skip` extends one, `xs[1:n] + 1` raises.
The rule:

- An array the unit reads or writes is *known to be an array* when the unit's text, or (for a parameter the
  function never rebinds) the enclosing function, shows it: assigned from an array constructor, indexed with a
  comma, a NumPy-only attribute read, or annotated `np.ndarray` / `torch.Tensor` / ... (the rules are in
  `tensorlift.frontend.py_arrays`, which fills `LiftUnit.known_arrays` from the function).
- Every other array of a Python unit may be a list (`loose`): emitted code reads it through the target's
  conversion to the dtype the proof modelled (`np.asarray(xs, dtype=np.float64)`, `torch.as_tensor(xs, dtype=...)`,
  `jnp.asarray`, `tf.convert_to_tensor`, `mx.array`): a list of ints the code does not show are ints (an index use,
  a `list[int]` hint) is computed with as floats, as proved, so an array made from it keeps the fractions later
  stores put in it; writes into it in place through an array whose values go back with `xs[:] = ....tolist()` (so a
  caller's list is updated in place, as the loop did; an array argument gets the values in place too, and an
  immutable jax / tensorflow tensor is replaced, as those targets do for any array).
- An array the unit creates (`[0.0] * n`, `[]` + `append`, `np.zeros(n)`) becomes an array of the target: a list
  the loop built comes back as an array (it indexes, iterates, `len`s and `list()`s alike, but `+` adds instead of
  concatenating; a list cannot carry the shape of an empty matrix, and the rewrite keeps shapes).
- Units without source text (built from a typed signature: rule examples, tests) and C/C++ units have arrays.

Names: a C/C++ identifier that is a Python keyword (`in`, `lambda`, `from`, `None`, ...) or the module alias the
emitted code uses (`np`, `math`, ...) is renamed by appending `_` (until the name is free); the extracted module's
parameters carry the new names.
"""

from __future__ import annotations

import keyword
import re

from ..common import Language
from ..frontend.py_arrays import known_array
from ..kernel import nodes as k


def list_arrays(unit: k.LiftUnit) -> frozenset[str]:
    """The arrays defined before the unit that may be Python lists: neither the unit's text nor (for its
    parameters) the enclosing function shows they are arrays."""
    if unit.language is not Language.PYTHON or not unit.source:
        return frozenset()
    existing = {p.name for p in unit.inputs if p.kind == "array"}
    existing |= {o.name for o in unit.outputs if not o.fresh and o.kind == "array"}
    return frozenset(n for n in existing if n not in unit.known_arrays and not known_array(unit.source, n))


def python_names(names: set[str], reserved: set[str]) -> dict[str, str]:
    """Old -> new for the names that cannot be Python variables (keywords) or would shadow a module in `reserved`;
    new names avoid every name in `names` and `reserved`."""
    taken = set(names) | set(reserved)
    out: dict[str, str] = {}
    for name in sorted(names):
        if keyword.iskeyword(name) or name in reserved:
            new = f"{name}_"
            while new in taken or keyword.iskeyword(new):
                new += "_"
            taken.add(new)
            out[name] = new
    return out


def free_name(base: str, taken: set[str], source: str) -> str:
    """A name starting with `base` that is neither in `taken` nor a word of `source`."""
    words = set(re.findall(r"\w+", source))
    name, n = base, 1
    while name in taken or name in words:
        n += 1
        name = f"{base}{n}"
    return name
