"""TensIR: nodes, surface syntax (parse / show), one interpreter over a semantics domain, and canonical keys."""

from .interp import run
from .nodes import (
    Access,
    Bin,
    Call,
    Cast,
    Const,
    Dim,
    Expr,
    Idx,
    Loop,
    Program,
    Reduce,
    Scalar,
    Select,
    Statement,
    TensorType,
    Unary,
)
from .parser import TensIRSyntaxError, parse, parse_expr, parse_statement_line
from .printer import show
from .visit import canonical, canonical_key

__all__ = [
    "Access", "Bin", "Call", "Cast", "Const", "Dim", "Expr", "Idx", "Loop", "Program", "Reduce", "Scalar",
    "Select", "Statement", "TensIRSyntaxError", "TensorType", "Unary", "canonical", "canonical_key", "parse",
    "parse_expr", "parse_statement_line", "run", "show",
]
