"""The Python frontend: source bytes -> Kernel IR functions (tree-sitter, never the `ast` module).

Every function definition (methods as `Class.method`, nested functions as `outer.inner`) becomes a
`KernelFunction`; module-level code that contains loops becomes the pseudo-function `<module>`. What the Kernel IR
cannot express becomes `Unsupported(reason)` for that statement only; syntax errors become `SourceError`s and the
broken statements `Unsupported`. Nothing here raises on any input.

Types are inferred by the rule in `py_types` (loops and sizes I64; hints when present; otherwise F64 unless the
code shows ints), to a fixed point over a few translation passes. Other documented choices:
- `for x in a` / `enumerate(a)` / `zip(a, b)` loop over `Dim(a, 0)` (zip assumes equal lengths) and substitute
  `a[i]` for `x`; where the body writes `x` or `a`, `x = a[i]` is read into a local at the top of the body;
- `out = []` + `out.append(e)` becomes an Alloc of the loops' trip count plus indexed stores (py_append);
- `a.copy()` / `list(a)` / `a[:]` and the like are refused: a copy plus in-place edits is two operations;
- `assert` is dropped (a precondition that holds whenever the code runs); `A[i * n + j]` stays 1-D (the Kernel
  normaliser splits it); names read after the loop that defines them (Python's last value) are refused;
- `return c` of an array `c` is `Return(Var("c", element dtype))`; module constants (`N = 1024`, assigned once)
  are inlined; same-file straight-line helpers are inlined at their calls.
"""

from __future__ import annotations

import dataclasses

from tree_sitter import Node

from ..common import Language, SourceError
from ..kernel.nodes import KernelFunction, Param, Unsupported
from . import py_append
from .py_arrays import known_array_locals, known_array_params
from .py_context import Ctx, Facts, quote
from .py_stmt import block
from .py_syntax import ModuleInfo, module_info, named_children, parse, span, syntax_errors, text
from .py_types import Hint, hint

_MAX_PASSES = 6
_DEFINITIONS = ("function_definition", "class_definition", "decorated_definition")
_SKIPPED_AT_MODULE = (*_DEFINITIONS, "import_statement", "import_from_statement", "future_import_statement")


def parse_functions(source: bytes, path: str) -> tuple[tuple[KernelFunction, ...], tuple[SourceError, ...]]:
    """The functions of a Python file in Kernel IR, and its syntax errors."""
    root = parse(source)
    errors = syntax_errors(root, path)
    info = module_info(root)
    functions: list[KernelFunction] = []
    _collect(root, "", False, info, path, functions)
    module = _module_function(root, info, path)
    if module is not None:
        functions.append(module)
    return tuple(functions), errors


def _collect(container: Node, prefix: str, in_class: bool, info: ModuleInfo, path: str,
             out: list[KernelFunction]) -> None:
    """Walk definitions: functions, methods, and functions nested in either."""
    for node in container.named_children:
        definition = node.child_by_field_name("definition") if node.type == "decorated_definition" else node
        if definition is None:
            continue
        name_node = definition.child_by_field_name("name")
        body = definition.child_by_field_name("body")
        if name_node is None or body is None:
            continue
        name = f"{prefix}{text(name_node)}"
        if definition.type == "function_definition":
            out.append(_function(definition, name, in_class, info, path))
            _collect(body, f"{name}.", False, info, path, out)
        elif definition.type == "class_definition":
            _collect(body, f"{name}.", True, info, path, out)


def _function(node: Node, name: str, is_method: bool, info: ModuleInfo, path: str) -> KernelFunction:
    hints: dict[str, Hint | None] = {}
    annotations: dict[str, Node | None] = {}
    parameters = node.child_by_field_name("parameters")
    for k, param in enumerate(named_children(parameters) if parameters is not None else []):
        pname, annotation = _parameter(param)
        if pname is None or (is_method and k == 0 and pname in ("self", "cls")):
            continue
        hints[pname] = hint(annotation)
        annotations[pname] = annotation
    body = node.child_by_field_name("body")
    translated = _translate(name, node, body, hints, info, path, is_module=False)
    known = known_array_params(annotations, body, _assigned(body)) | known_array_locals(body, set(annotations))
    translated = dataclasses.replace(translated, known_arrays=known)
    broken = [c for c in node.children if c.type != "block" and (c.has_error or c.is_missing)]
    if not broken:
        return translated
    # tree-sitter can leave a broken statement beside the body (or in the header): it is part of this function
    errors = tuple(Unsupported(f"line {c.start_point.row + 1}: syntax error in {quote(c)}", span(c)) for c in broken)
    return dataclasses.replace(translated, body=errors + translated.body)


def _parameter(param: Node) -> tuple[str | None, Node | None]:
    """A parameter's name and type hint; None for `*args`, `**kw`, `/`, `*`."""
    if param.type == "identifier":
        return text(param), None
    if param.type == "typed_parameter":
        first = named_children(param)[0] if named_children(param) else None
        if first is not None and first.type == "identifier":
            return text(first), param.child_by_field_name("type")
        return None, None
    if param.type in ("default_parameter", "typed_default_parameter"):
        pname = param.child_by_field_name("name")
        if pname is not None and pname.type == "identifier":
            return text(pname), param.child_by_field_name("type")
    return None, None


def _module_function(root: Node, info: ModuleInfo, path: str) -> KernelFunction | None:
    statements = [n for n in root.named_children if n.type not in _SKIPPED_AT_MODULE]
    if not any(_has_loop(s) for s in statements):
        return None
    return _translate("<module>", root, root, {}, info, path, is_module=True)


def _has_loop(node: Node) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "for_statement":
            return True
        stack.extend(c for c in current.named_children if c.type not in _DEFINITIONS)
    return False


def _translate(name: str, node: Node, body: Node | None, hints: dict[str, Hint | None], info: ModuleInfo,
               path: str, is_module: bool) -> KernelFunction:
    where = span(node)
    try:
        assigned = frozenset(_assigned(body) - set(hints))
        source = text(body) if body is not None else ""
        cache: dict[tuple[int, int], tuple[frozenset[str], frozenset[str]]] = {}
        facts = Facts()
        for _ in range(_MAX_PASSES):
            ctx = Ctx(path, info, hints, assigned, source, facts, is_module=is_module, syntax_cache=cache)
            statements = block(ctx, body)  # definitions and imports translate to nothing, at module level too
            learned = facts.merged(ctx.cur)
            if ctx.consistent(learned):
                break
            facts = learned
        stmts = py_append.finish(ctx, statements)
        params = tuple(_param(ctx, p) for p in hints)
        return KernelFunction(name, Language.PYTHON, params, stmts, where, ctx.locals_params())
    except RecursionError:
        reason = f"line {where.start.line + 1}: `{name}` is nested too deeply to analyse"
    except Exception as bug:  # a frontend bug must cost one function, never the file or the editor session
        reason = f"line {where.start.line + 1}: internal error in the Python frontend ({type(bug).__name__}: {bug})"
    return KernelFunction(name, Language.PYTHON, (), (Unsupported(reason, where),), where)


def _param(ctx: Ctx, name: str) -> Param:
    declared = ctx.hints.get(name)
    if ctx.param_is_array(name):
        rank = (declared.rank if declared is not None else None) or ctx.known_rank(name) or 1
        return Param(name, "array", ctx.element_dtype(name), rank)
    return Param(name, "scalar", ctx.scalar_dtype(name))


_SCOPE_NODES = ("block", "for_statement", "if_statement", "elif_clause", "else_clause", "while_statement",
                "with_statement", "try_statement", "except_clause", "finally_clause", "expression_statement",
                "assignment", "augmented_assignment", "module")


def _assigned(body: Node | None) -> set[str]:
    """Names the body assigns: its local scope (nested definitions have their own)."""
    assigned: set[str] = set()
    stack = [body] if body is not None else []
    while stack:
        node = stack.pop()
        if node.type in ("assignment", "augmented_assignment", "for_statement"):
            targets = [node.child_by_field_name("left")]
            while targets:
                target = targets.pop()
                if target is None:
                    continue
                if target.type == "identifier":
                    assigned.add(text(target))
                elif target.type in ("pattern_list", "tuple_pattern", "list_pattern"):
                    targets.extend(target.named_children)
        stack.extend(c for c in node.named_children if c.type in _SCOPE_NODES)
    return assigned
