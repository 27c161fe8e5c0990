"""Vocabulary shared by every stage: languages, dtypes, operators, source positions and error values.

Both IRs (the source-level Kernel IR and the target-level TensIR) use these enums, so an operator means the same
thing on both sides of an equivalence proof. Division and remainder carry their rounding kind explicitly: the
source language decides which one a `/` is, never the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Language(str, Enum):
    C = "c"
    CPP = "cpp"
    PYTHON = "python"

    @staticmethod
    def from_path(path: str) -> Language | None:
        """The language a file name's extension says, or None for files tensorlift does not read."""
        lowered = path.lower()
        for suffixes, language in _SUFFIXES:
            if lowered.endswith(suffixes):
                return language
        return None


_SUFFIXES: tuple[tuple[tuple[str, ...], Language], ...] = (
    ((".py", ".pyi"), Language.PYTHON),
    ((".c", ".h"), Language.C),
    ((".cc", ".cpp", ".cxx", ".c++", ".hpp", ".hh", ".hxx"), Language.CPP),
)


class DType(str, Enum):
    """Element types. Integer widths matter only in the `wrap32` integer model; by default integers are ideal."""

    BOOL = "bool"
    I8 = "i8"
    I16 = "i16"
    I32 = "i32"
    I64 = "i64"
    U8 = "u8"
    U16 = "u16"
    U32 = "u32"
    U64 = "u64"
    F32 = "f32"
    F64 = "f64"

    @property
    def is_float(self) -> bool:
        return self in (DType.F32, DType.F64)

    @property
    def is_int(self) -> bool:
        return not self.is_float and self is not DType.BOOL

    @property
    def is_signed(self) -> bool:
        return self in (DType.I8, DType.I16, DType.I32, DType.I64) or self.is_float

    @property
    def bits(self) -> int:
        return _BITS[self]


_BITS = {
    DType.BOOL: 1, DType.I8: 8, DType.I16: 16, DType.I32: 32, DType.I64: 64, DType.U8: 8, DType.U16: 16,
    DType.U32: 32, DType.U64: 64, DType.F32: 32, DType.F64: 64,
}


def promote(a: DType, b: DType) -> DType:
    """The usual arithmetic conversion of two operand types (C's, which Python's int/float also follow)."""
    if a is b and (a.is_float or a.bits >= 32):
        return a
    if DType.F64 in (a, b):
        return DType.F64
    if DType.F32 in (a, b):
        return DType.F32
    if a is DType.BOOL:
        return b if b.bits >= 32 else DType.I32
    if b is DType.BOOL:
        return a if a.bits >= 32 else DType.I32
    width = max(a.bits, b.bits, 32)
    unsigned = (not a.is_signed and a.bits >= width) or (not b.is_signed and b.bits >= width)
    return {32: DType.U32 if unsigned else DType.I32, 64: DType.U64 if unsigned else DType.I64}[width]


class BinOp(str, Enum):
    """Binary operators. Division and remainder name their rounding: C truncates, Python floors."""

    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV_REAL = "/"  # true division of floats (or Python's `/` on ints, which yields a float)
    DIV_TRUNC = "/t"  # C integer division: rounds toward zero
    DIV_FLOOR = "//"  # Python integer division: rounds toward minus infinity
    MOD_TRUNC = "%t"  # C remainder: sign of the dividend
    MOD_FLOOR = "%"  # Python remainder: sign of the divisor
    MIN = "min"
    MAX = "max"
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    EQ = "=="
    NE = "!="
    AND = "&&"
    OR = "||"

    @property
    def is_comparison(self) -> bool:
        return self in (BinOp.LT, BinOp.LE, BinOp.GT, BinOp.GE, BinOp.EQ, BinOp.NE)

    @property
    def is_logical(self) -> bool:
        return self in (BinOp.AND, BinOp.OR)

    @property
    def is_commutative(self) -> bool:
        return self in (BinOp.ADD, BinOp.MUL, BinOp.MIN, BinOp.MAX, BinOp.EQ, BinOp.NE, BinOp.AND, BinOp.OR)


class UnOp(str, Enum):
    NEG = "-"
    NOT = "!"


class ReduceOp(str, Enum):
    SUM = "sum"
    PROD = "prod"
    MAX = "max"
    MIN = "min"


# Known math functions: kept as calls in both IRs and modelled as uninterpreted functions in proofs
# (except abs, which is exact). Name -> arity.
MATH_FUNCTIONS: dict[str, int] = {
    "abs": 1, "sqrt": 1, "exp": 1, "log": 1, "sin": 1, "cos": 1, "tan": 1, "tanh": 1, "sigmoid": 1,
    "floor": 1, "ceil": 1, "pow": 2, "rsqrt": 1, "erf": 1,
}


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A zero-based position; `character` counts UTF-8 bytes in the frontends and UTF-16 units on the LSP wire
    (the server converts)."""

    line: int
    character: int


@dataclass(frozen=True, slots=True)
class Span:
    start: Position
    end: Position

    def contains_line(self, line: int) -> bool:
        return self.start.line <= line <= self.end.line

    def to_json(self) -> dict[str, dict[str, int]]:
        return {
            "start": {"line": self.start.line, "character": self.start.character},
            "end": {"line": self.end.line, "character": self.end.character},
        }


@dataclass(frozen=True, slots=True)
class SourceError:
    """An error as a value a user can act on: where, what, and how to fix it."""

    message: str
    path: str | None = None
    line: int | None = None  # zero-based, like Position
    column: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line + 1}"
            if self.column is not None:
                where += f":{self.column + 1}"
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class TensorliftError(Exception):
    """Raised for input the user must fix (bad file, bad option, bad rule pack); carries a SourceError."""

    def __init__(self, error: SourceError) -> None:
        super().__init__(str(error))
        self.error = error
