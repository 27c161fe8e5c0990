"""The C and C++ frontend: tree-sitter parse -> one `KernelFunction` per function definition.

    parse_functions(source, language, path) -> (functions, errors)

File-level facts come first: type aliases (`typedef`, `using`), constants (`#define N 16`, `enum`, file-scope
`const int`), other `#define`s (expanded textually at their uses, then translated), and helpers (functions that
are straight-line code ending in `return expr`, inlined at call sites). Then every function definition is
translated (c_stmts, c_loops, c_exprs). Syntax errors become `SourceError`s; the statements that contain them
become `Unsupported`, and other functions still translate. No input raises.

Modules: c_types (types and declarators), c_context (what names mean: scalars, array views that pointers walk),
c_arith (folding constructors), c_exprs (expressions, calls, macros, helpers), c_loops (loop normal forms and
pointer moves), c_stmts (statements, allocations, push_back), c_query (tree-sitter grammars and queries).

Parameter conventions: `T *p`, `T p[]`, `T **A`, `T A[N][M]`, `T (*A)[M]`, `std::vector<...>` are arrays (rank
from the declarator; `shape` where sizes are written). A `T *out` used only as `*out` or `out[0]` is a scalar
passed by reference (`Param(kind="scalar", by_reference=True)`), read and written as `Var("out")`; so is C++'s
`T &out`. A function returning an array returns `Return(Var(name))` with the array's element dtype. Parameters
the frontend cannot read (structs, function pointers) are left out of `params`; using them is `Unsupported`.
Pointer aliases never appear in the IR (every access is on the base array); loop counters the frontend invents
(range-for, pointer loops, memset/memcpy) are I64 and listed in `locals`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import assert_never

from tree_sitter import Node

from ..common import DType, Language, Position, SourceError, Span
from ..kernel.nodes import Alloc, Assign, Const, Expr, For, If, KernelFunction, Param, Return, Stmt, Unsupported
from .c_alloc import declare_array
from .c_context import Ctx, Helper, Macro, OpaqueSym, Reject, ScalarSym, Sym, ViewSym, span_of
from .c_exprs import expr
from .c_loops import descendants
from .c_query import identifier_nodes, parser, reparse_expression
from .c_stmts import block
from .c_types import ALIASES, Decl, TypeInfo, declared, operator, text, type_info

_MAX_ERRORS = 100
_CONTAINERS = frozenset({
    "preproc_ifdef", "preproc_if", "preproc_else", "preproc_elif", "preproc_elifdef", "linkage_specification",
    "declaration_list", "namespace_definition", "template_declaration",
})


def parse_functions(
    source: bytes, language: Language, path: str
) -> tuple[tuple[KernelFunction, ...], tuple[SourceError, ...]]:
    """Every function definition in a C or C++ file as Kernel IR, and the file's syntax errors."""
    if language not in (Language.C, Language.CPP):
        return (), (SourceError(f"the C/C++ frontend cannot read {language.value} files", path),)
    tree = parser(language).parse(source)
    root = tree.root_node
    errors = syntax_errors(root, path)
    aliases: dict[str, TypeInfo] = {}
    token = ALIASES.set(aliases)
    try:
        _aliases(root, aliases)
        definitions = list(_definitions(root))
        consts, macros = _constants(root, language)
        facts = _FileFacts(consts, _helpers(definitions, language, consts), macros, tuple(_globals(root, consts)))
        functions = tuple(_function(node, language, facts) for node in definitions)
    finally:
        ALIASES.reset(token)
    return functions, errors


def syntax_errors(root: Node, path: str) -> tuple[SourceError, ...]:
    """The outermost ERROR and MISSING nodes, in source order."""
    errors: list[SourceError] = []
    stack = [root]
    while stack and len(errors) < _MAX_ERRORS:
        node = stack.pop()
        line, column = node.start_point
        if node.is_missing:
            errors.append(SourceError(f"syntax error: missing `{node.type}`", path, line, column,
                                      hint="the code there is incomplete"))
        elif node.is_error:
            snippet = " ".join(text(node).split())[:30]
            errors.append(SourceError(f"syntax error near `{snippet}`", path, line, column))
        elif node.has_error:
            stack.extend(reversed(node.children))
    return tuple(sorted(errors, key=lambda e: (e.line or 0, e.column or 0)))


def _definitions(root: Node) -> Iterator[Node]:
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        if node.type == "function_definition":
            yield node
            if node.has_error:
                # A missing `}` makes the next functions part of this one: translate them on their own too.
                stack.extend(reversed([n for n in descendants(node) if n.type == "function_definition"]))
        elif node.type in _CONTAINERS:
            stack.extend(reversed(node.children))


# ------------------------------------------------------------------------------------------- aliases, constants


def _aliases(root: Node, aliases: dict[str, TypeInfo]) -> None:
    """`typedef T name;` and `using name = T;` at file level, in order (later aliases may use earlier ones)."""
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        if node.type == "type_definition":
            base = type_info(node.child_by_field_name("type"))
            for declarator in node.children_by_field_name("declarator"):
                if declarator.type == "type_identifier":
                    aliases[text(declarator)] = base
        elif node.type == "alias_declaration":
            name, descriptor = node.child_by_field_name("name"), node.child_by_field_name("type")
            if name is not None and descriptor is not None and descriptor.child_by_field_name("declarator") is None:
                aliases[text(name)] = type_info(descriptor.child_by_field_name("type"))
        elif node.type in _CONTAINERS:
            stack.extend(reversed(node.children))




def _constants(root: Node, language: Language) -> tuple[dict[str, Const], dict[str, Macro]]:
    """File-level constants (`#define N 16`, `enum`, `const int`) and the other `#define`s, as macros."""
    consts: dict[str, Const] = {}
    ctx = Ctx(language, consts, {})
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        if node.type == "preproc_def":
            _define(ctx, node, language)
        elif node.type == "preproc_function_def":
            _function_macro(ctx, node)
        elif node.type == "enum_specifier":
            _enum(ctx, node)
        elif node.type in ("declaration", "type_definition"):
            _const_declaration(ctx, node)
        elif node.type in _CONTAINERS:
            stack.extend(reversed(node.children))
    return consts, ctx.macros


def _define(ctx: Ctx, node: Node, language: Language) -> None:
    name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
    if name is None or value is None:
        return
    body = (value.text or b"").strip()
    parsed = reparse_expression(language, body)
    if parsed is not None:
        _record(ctx, text(name), parsed)
        if text(name) not in ctx.consts and b"#" not in body:
            ctx.macros[text(name)] = Macro(None, body)


def _function_macro(ctx: Ctx, node: Node) -> None:
    name, params, value = (node.child_by_field_name(f) for f in ("name", "parameters", "value"))
    if name is None or params is None or value is None:
        return
    names = tuple(text(p) for p in params.named_children if p.type == "identifier")
    body = (value.text or b"").strip()
    if len(names) == params.named_child_count and b"#" not in body:
        ctx.macros[text(name)] = Macro(names, body)


def _record(ctx: Ctx, name: str, node: Node) -> None:
    try:
        value = expr(ctx, node)
    except (Reject, RecursionError):
        return
    if isinstance(value, Const):
        ctx.consts[name] = value


def _enum(ctx: Ctx, node: Node) -> None:
    body = node.child_by_field_name("body")
    if body is None:
        return
    following = 0
    for enumerator in body.named_children:
        if enumerator.type != "enumerator":
            continue
        name, value = enumerator.child_by_field_name("name"), enumerator.child_by_field_name("value")
        if name is None:
            continue
        if value is not None:
            _record(ctx, text(name), value)
            recorded = ctx.consts.get(text(name))
            if recorded is None or not isinstance(recorded.value, int):
                return  # later enumerators count from a value we do not know
            following = int(recorded.value)
        else:
            ctx.consts[text(name)] = Const(following, DType.I32)
        following += 1


def _const_declaration(ctx: Ctx, node: Node) -> None:
    type_node = node.child_by_field_name("type")
    if type_node is not None and type_node.type == "enum_specifier":
        _enum(ctx, type_node)
    qualifiers = {text(c) for c in node.children if c.type == "type_qualifier"}
    if not qualifiers & {"const", "constexpr"} or node.type != "declaration":
        return
    base = type_info(type_node)
    for child in node.children_by_field_name("declarator"):
        decl = declared(base, child)
        if decl is not None and decl.rank == 0 and decl.init is not None and base.dtype is not None:
            _record(ctx, decl.name, decl.init)
            value = ctx.consts.get(decl.name)
            if value is not None and value.dtype is not base.dtype:
                ctx.consts[decl.name] = _as(value, base.dtype)


def _as(value: Const, dtype: DType) -> Const:
    from .c_arith import convert

    converted = convert(value, dtype)
    return converted if isinstance(converted, Const) else value


# ---------------------------------------------------------------------------------------------------- helpers


def _helpers(definitions: list[Node], language: Language, consts: dict[str, Const]) -> dict[str, Helper]:
    helpers: dict[str, Helper] = {}
    for node in definitions:
        helper = _helper(node, language, consts)
        if helper is not None:
            helpers[helper.name] = helper
    return helpers


def _helper(node: Node, language: Language, consts: dict[str, Const]) -> Helper | None:
    if node.has_error:
        return None
    found = _signature(node)
    body = node.child_by_field_name("body")
    if found is None or body is None:
        return None
    name, returns, params_node = found
    if returns.rank or returns.base.dtype is None:
        return None
    statements = tuple(c for c in body.named_children if c.type != "comment")
    if not statements or statements[-1].type != "return_statement" or not statements[-1].named_child_count:
        return None
    if any(s.type not in ("declaration", "expression_statement") for s in statements[:-1]):
        return None
    params: list[tuple[str, DType, int]] = []
    for decl in _parameters(params_node):
        if not isinstance(decl, Decl) or decl.base.dtype is None:
            return None
        params.append((decl.name, decl.base.dtype, decl.rank))
    return Helper(name, tuple(params), statements, returns.base.dtype)


def _signature(node: Node) -> tuple[str, Decl, Node] | None:
    """(name, the return type as a Decl, the parameter list) of a function definition."""
    base = type_info(node.child_by_field_name("type"))
    declarator = node.child_by_field_name("declarator")
    pointers = 0
    reference = False
    while declarator is not None and declarator.type in ("pointer_declarator", "reference_declarator"):
        if declarator.type == "pointer_declarator":
            pointers += 1
        else:
            reference = True
        inner = declarator.child_by_field_name("declarator")
        declarator = inner if inner is not None else (
            declarator.named_children[-1] if declarator.named_child_count else None)
    if declarator is None or declarator.type != "function_declarator":
        return None
    name_node = declarator.child_by_field_name("declarator")
    params = declarator.child_by_field_name("parameters")
    if name_node is None or params is None:
        return None
    return text(name_node), Decl(text(name_node), name_node, base, pointers, (), reference), params


def _parameters(params: Node) -> Iterator[Decl | Node]:
    """Each parameter as a Decl, or its node when its declarator is not one the frontend reads (function
    pointers, `...`)."""
    for child in params.named_children:
        if child.type == "comment":
            continue
        if child.type != "parameter_declaration":
            yield child
            continue
        base = type_info(child.child_by_field_name("type"))
        declarator = child.child_by_field_name("declarator")
        if declarator is None:
            if text(child.child_by_field_name("type")) == "void":
                continue
            yield child
            continue
        decl = declared(base, declarator)
        yield child if decl is None else decl


def _unreadable_parameter(node: Node) -> tuple[str | None, str]:
    """The name (if any) of a parameter the frontend cannot read, and why."""
    inside = list(descendants(node))
    names = [n for n in inside if n.type == "identifier"]
    name = text(names[0]) if names else None
    what = "a function pointer" if any(n.type == "function_declarator" for n in inside) else "not supported"
    words = " ".join(text(node).split())
    return name, f"the parameter `{words}` is {what}"


# -------------------------------------------------------------------------------------------------- functions


@dataclass(frozen=True, slots=True)
class _FileFacts:
    consts: dict[str, Const]
    helpers: dict[str, Helper]
    macros: dict[str, Macro]
    globals: tuple[tuple[Decl, Node, bool], ...]  # file-scope variables: declaration, its node, `const`


def _globals(root: Node, consts: dict[str, Const]) -> Iterator[tuple[Decl, Node, bool]]:
    """File-scope variables that are not constants already (`double A[N][N];`, `static const float w[3] = ...`,
    `int n;`)."""
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        if node.type in _CONTAINERS:
            stack.extend(reversed(node.children))
            continue
        if node.type != "declaration" or any(text(c) == "extern" for c in node.children
                                             if c.type == "storage_class_specifier"):
            continue
        base = type_info(node.child_by_field_name("type"))
        constant = any(text(c) in ("const", "constexpr") for c in node.children if c.type == "type_qualifier")
        for child in node.children_by_field_name("declarator"):
            decl = declared(base, child)
            if decl is not None and decl.name not in consts and base.dtype is not None:
                yield decl, node, constant


def _function(node: Node, language: Language, facts: _FileFacts) -> KernelFunction:
    span = span_of(node)
    found = _signature(node)
    if found is None:
        name = "<unnamed>"
        reason = f"line {node.start_point[0] + 1}: this function's declarator is not understood"
        return KernelFunction(name, language, (), (Unsupported(reason, span),), span)
    name, returns, params_node = found
    ctx = Ctx(language, facts.consts, facts.helpers, macros=facts.macros)
    ctx.return_dtype = returns.base.dtype if returns.rank == 0 else None
    body = node.child_by_field_name("body")
    uses = _uses(language, body)
    ctx.names = {name.decode("utf-8", errors="replace") for name in uses}
    params: list[Param] = []
    for decl in _parameters(params_node):
        if not isinstance(decl, Decl):
            # Only its uses are unsupported: a kernel may ignore a callback or context argument.
            unknown, reason = _unreadable_parameter(decl)
            if unknown is not None:
                ctx.names.add(unknown)
                ctx.declare(unknown, OpaqueSym(reason))
            continue
        ctx.names.add(decl.name)
        key = decl.name.encode()
        only_dereferenced = decl.pointers == 1 and decl.rank == 1 and _only_dereferenced(uses.get(key, []))
        param, sym = _parameter(ctx, decl, only_dereferenced)
        ctx.declare(decl.name, sym)
        if param is not None:
            params.append(param)
    if params_node.has_error or body is None:
        problem = f"line {node.start_point[0] + 1}: syntax error in the function header"
        return KernelFunction(name, language, tuple(params), (Unsupported(problem, span),), span)
    start = Span(Position(*body.start_point), Position(*body.start_point))
    prelude = _global_uses(ctx, facts, uses, params, start)
    try:
        statements = prelude + block(ctx, body.named_children)
    except RecursionError:
        statements = [Unsupported(f"line {node.start_point[0] + 1}: this function is nested too deeply", span)]
    if node.has_error and not _any_unsupported(statements):
        # The error cost no statement (a `}` missing at the end): the function is still not trustworthy.
        first = syntax_errors(node, "")[0] if syntax_errors(node, "") else None
        where = first.line if first is not None and first.line is not None else node.start_point[0]
        message = first.message if first is not None else "syntax error"
        statements.append(Unsupported(f"line {where + 1}: {message}", span))
    param_names = {p.name for p in params}
    local_params = tuple(p for n, p in ctx.locals.items() if n not in param_names)
    return KernelFunction(name, language, tuple(params), tuple(statements), span, local_params)


def _global_uses(
    ctx: Ctx, facts: _FileFacts, uses: dict[bytes, list[Node]], params: list[Param], start: Span
) -> list[Stmt]:
    """The file-scope variables the function uses: `const` tables are allocated and filled at its start (the
    returned statements, placed at the opening brace); other arrays and scalars become parameters, since the
    caller sees what the function does to them (scalars as by-reference)."""
    prelude: list[Stmt] = []
    taken = {p.name for p in params} | {name for name, _ in ctx.visible()}
    for decl, node, constant in facts.globals:
        found = uses.get(decl.name.encode(), [])
        if not found or decl.name in taken or decl.reference or decl.base.vector_rank or _declares(found):
            continue
        taken.add(decl.name)
        dtype = decl.base.dtype
        assert dtype is not None
        if constant and decl.sizes and decl.init is not None:
            filled: list[Stmt] = []
            try:
                declare_array(ctx, decl, dtype, filled, node, True)
            except Reject as reject:
                ctx.declare(decl.name, OpaqueSym(reject.reason))
                continue
            prelude += [replace(stmt, span=start) for stmt in filled]
        elif decl.rank == 0:
            params.append(Param(decl.name, "scalar", dtype, by_reference=True))
            ctx.declare(decl.name, ScalarSym(decl.name, dtype))
        elif decl.sizes and not decl.pointers:
            shape = tuple(_size(ctx, size) for size in decl.sizes)
            params.append(Param(decl.name, "array", dtype, decl.rank, shape))
            ctx.declare(decl.name, ViewSym(decl.name, dtype, decl.rank))
    return prelude


def _declares(uses: list[Node]) -> bool:
    """Whether one of these identifier occurrences declares the name (a local that shadows a global)."""
    for use in uses:
        parent = use.parent
        while parent is not None and parent.type in ("pointer_declarator", "array_declarator", "reference_declarator"):
            use, parent = parent, parent.parent
        declaring = parent is not None and parent.type in ("init_declarator", "declaration", "parameter_declaration")
        if declaring and parent is not None and parent.child_by_field_name("declarator") == use:
            return True
    return False


def _any_unsupported(stmts: Iterable[Stmt]) -> bool:
    for stmt in stmts:
        match stmt:
            case Unsupported():
                return True
            case For():
                if _any_unsupported(stmt.body):
                    return True
            case If():
                if _any_unsupported(stmt.then) or _any_unsupported(stmt.else_):
                    return True
            case Assign() | Alloc() | Return():
                pass
            case _:
                assert_never(stmt)
    return False


def _parameter(ctx: Ctx, decl: Decl, only_dereferenced: bool) -> tuple[Param | None, Sym]:
    base, name = decl.base, decl.name
    if base.dtype is None:
        reason = f"parameter `{name}` has {base.problem or 'an unknown type'}, which is not supported"
        return None, OpaqueSym(reason)
    dtype = base.dtype
    if decl.rank == 0:
        return Param(name, "scalar", dtype, by_reference=decl.reference), ScalarSym(name, dtype)
    if only_dereferenced:
        return Param(name, "scalar", dtype, by_reference=True), ScalarSym(name, dtype, deref=True)
    shape: tuple[Expr | None, ...] | None = None
    if decl.sizes:
        shape = (None,) * (decl.pointers + base.vector_rank) + tuple(_size(ctx, s) for s in decl.sizes)
    # C array parameters decay to pointers, so they may be moved; vectors may not.
    movable = decl.pointers > 0 or bool(decl.sizes)
    param = Param(name, "array", dtype, decl.rank, shape, by_reference=decl.reference)
    return param, ViewSym(name, dtype, decl.rank, pointer=movable, container=base.vector_rank > 0)


def _size(ctx: Ctx, node: Node | None) -> Expr | None:
    if node is None:
        return None
    try:
        return expr(ctx, node)
    except (Reject, RecursionError):
        return None


def _uses(language: Language, body: Node | None) -> dict[bytes, list[Node]]:
    """Every identifier's occurrences in a function body."""
    uses: dict[bytes, list[Node]] = {}
    if body is not None:
        for node in identifier_nodes(language, body):
            uses.setdefault(node.text or b"", []).append(node)
    return uses


def _only_dereferenced(uses: list[Node]) -> bool:
    """Whether every use of a pointer is `*p` or `p[0]` (a scalar passed by reference). Stops at the first other
    use, which for an array is usually the first."""
    for use in uses:
        parent = use.parent
        if parent is None:
            return False
        if parent.type == "pointer_expression" and operator(parent) == "*":
            continue
        if parent.type == "subscript_expression" and parent.child_by_field_name("argument") == use:
            index = parent.child_by_field_name("index")
            if index is None:
                indices = parent.child_by_field_name("indices")
                index = indices.named_children[0] if indices is not None and indices.named_child_count == 1 else None
            if index is not None and index.text == b"0":
                continue
        return False
    return bool(uses)

__all__ = ["parse_functions", "syntax_errors"]
