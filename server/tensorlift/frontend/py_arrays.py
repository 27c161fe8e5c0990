"""Which names a Python function shows to be arrays (NumPy, PyTorch, JAX, ...), not Python lists.

Python indexes lists and arrays alike (`xs[i]`), so a loop over either lifts to the same TensIR; the code
generator must know which, because `xs * k` repeats a list and `hidden += skip` extends one
(`tensorlift.codegen.pylists`). A name is *known to be an array* when

1. it is assigned from an array constructor call (`a = np.zeros(n)`, `a = np.array(x)`, `torch.ones(...)`, any
   `<module>.<zeros|ones|empty|full|*_like|array|asarray|arange|linspace|eye|identity|copy>(...)`), or
2. it is subscripted with a comma at the top level (`A[i, j]`: a list cannot be indexed so), or
3. a NumPy-only attribute of it is read (`A.shape`, `.ndim`, `.dtype`, `.size`, `.T`, `.astype`, `.reshape`), or
4. it is a parameter annotated with an array type (`np.ndarray`, `npt.NDArray[...]`, `torch.Tensor`, `jax.Array`,
   `tf.Tensor`, `mx.array`; not `list`, `Sequence` or `ArrayLike`, which admit lists).

Rules 1-3 apply to the unit's own text; for a parameter the function never rebinds they apply to the whole
function's text (the parameter is the same object everywhere in it), and so does rule 4. A local the function
assigns exactly once, from an array constructor (rule 1), is an array everywhere after that assignment.
"""

from __future__ import annotations

import re
from collections import Counter

from tree_sitter import Node

from .py_syntax import named_children, text

_MAKERS = ("zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like", "array",
           "asarray", "arange", "linspace", "eye", "identity", "copy", "as_tensor", "tensor")
_ATTRIBUTES = ("shape", "ndim", "dtype", "size", "T", "astype", "reshape")
# the last part of an annotation naming an array type; `array` only with a module (`mx.array`): the standard
# library's `array.array` is list-like
_ARRAY_TYPES = ("ndarray", "NDArray", "Tensor", "Array")


def _comma_subscript(source: str, name: str) -> bool:
    for m in re.finditer(rf"(?<![\w.]){re.escape(name)}\s*\[", source):
        depth = 0
        for ch in source[m.end() - 1:]:
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
                if depth == 0:
                    break
            elif ch == "," and depth == 1:
                return True
    return False


def known_array(source: str, name: str) -> bool:
    """Whether `source` shows that `name` is an array, not a list (rules 1-3 of the module docstring)."""
    word = re.escape(name)
    makers = "|".join(_MAKERS)
    if re.search(rf"(?<![\w.]){word}\s*=\s*[\w.]+\.(?:{makers})\s*\(", source):
        return True
    if re.search(rf"(?<![\w.]){word}\.(?:{'|'.join(_ATTRIBUTES)})\b", source):
        return True
    return _comma_subscript(source, name)


def array_annotation(node: Node | None) -> bool:
    """Whether a parameter's type hint names an array type (rule 4): `np.ndarray`, `npt.NDArray[np.float32]`,
    `torch.Tensor`, `"np.ndarray"`, `Optional`/unions do not count."""
    if node is None:
        return False
    if node.type == "type" and len(named_children(node)) == 1:
        return array_annotation(named_children(node)[0])
    if node.type in ("generic_type", "subscript"):
        parts = named_children(node)
        return bool(parts) and _array_type_name(text(parts[0]))
    if node.type in ("identifier", "attribute"):
        return _array_type_name(text(node))
    if node.type == "string":  # a forward reference
        return _array_type_name(text(node).strip("'\"").split("[", 1)[0].strip())
    return False


def _array_type_name(name: str) -> bool:
    module, _, last = name.rpartition(".")
    return last in _ARRAY_TYPES or (last == "array" and module in ("mx", "mlx.core"))


def known_array_params(annotations: dict[str, Node | None], body: Node | None, rebound: set[str]) -> frozenset[str]:
    """The parameters a function shows are arrays: by annotation, or by use anywhere in its body (when it never
    rebinds them)."""
    source = text(body) if body is not None else ""
    return frozenset(name for name, annotation in annotations.items() if name not in rebound
                     and (array_annotation(annotation) or known_array(source, name)))


def known_array_locals(body: Node | None, params: set[str]) -> frozenset[str]:
    """The locals assigned exactly once in the function, from an array constructor (`e = np.zeros(n)`)."""
    if body is None:
        return frozenset()
    source = text(body)
    counts = _assignments(body)
    return frozenset(name for name, count in counts.items()
                     if count == 1 and name not in params and _made_by_constructor(source, name))


def _made_by_constructor(source: str, name: str) -> bool:
    makers = "|".join(_MAKERS)
    return re.search(rf"(?<![\w.]){re.escape(name)}\s*=\s*[\w.]+\.(?:{makers})\s*\(", source) is not None


_NEW_SCOPES = ("function_definition", "class_definition", "lambda")
_BINDERS = ("assignment", "augmented_assignment", "for_statement", "named_expression", "with_item")


def _assignments(body: Node) -> Counter[str]:
    """How many times each name is bound in `body` (assignments, augmented ones, loop targets), outside nested
    functions and classes."""
    counts: Counter[str] = Counter()
    stack = [body]
    while stack:
        node = stack.pop()
        if node.type in _BINDERS:
            target = node.child_by_field_name("left") or node.child_by_field_name("name")
            targets = [target] if target is not None else [node]  # `with ... as x`: every name in the item
            while targets:
                current = targets.pop()
                if current.type == "identifier":
                    counts[text(current)] += 1
                elif current.type in ("pattern_list", "tuple_pattern", "list_pattern", "as_pattern", "with_item",
                                      "as_pattern_target"):
                    targets.extend(current.named_children)
        stack.extend(c for c in node.named_children if c.type not in _NEW_SCOPES)
    return counts
