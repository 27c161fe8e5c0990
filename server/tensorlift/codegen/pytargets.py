"""The five Python array targets as data: module alias, imports, operator and function spellings.

The translator (`pyemit`) is written once against `PyTarget`; each target differs only in the spellings here and
in a few capabilities (item assignment, einsum on integers, gathers). `asarray` / `to_list` convert Python lists
in and out (NumPy's `np.asarray` keeps Python's float64 / int64; the others are told the dtype, since their
default for Python floats is float32); `clip` clamps gather indices that a mask discards anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..common import DType, ReduceOp


@dataclass(frozen=True, slots=True)
class PyTarget:
    name: str
    alias: str  # the module alias emitted code uses: np, torch, jnp, tf, mx
    imports: tuple[str, ...]
    functions: tuple[tuple[str, str], ...]  # TensIR math function -> a format with {0}, {1}
    reducers: tuple[tuple[ReduceOp, str], ...]  # format with {x}, {axis}
    maximum: str
    minimum: str
    where: str
    logical_and: str
    logical_or: str
    logical_not: str
    arange: str  # format with {lo}, {hi}; an empty range when hi < lo, as numpy's (torch and tf would raise)
    cast: str  # format with {x}, {dtype}
    transpose: str  # format with {x}, {perm}
    flip: str  # format with {x}, {axis}, {rev} (a subscript reversing that axis)
    broadcast: str  # format with {x}, {shape}
    full: str  # format with {shape}, {value}, {dtype}
    copy: str  # format with {x}: a copy that does not alias its source
    trunc_div: str  # integers, format with {a}, {b}
    trunc_mod: str  # integers (and floats: fmod), format with {a}, {b}
    einsum: str  # format with {spec}, {args}
    einsum_ints: bool  # whether einsum / matmul accept integer tensors
    setitem: bool  # arrays support `x[view] = value`
    gather: bool  # arrays support indexing with broadcast index arrays
    dtypes: tuple[tuple[DType, str], ...]
    # format with {x}, {dtype}: a Python list (or an array) as the target's array, of the dtype the proof modelled
    # (a list of ints read as floats is float64, as the loop's arithmetic: stores into an array made from it keep
    # their fractions)
    asarray: str = "np.asarray({x}, dtype={dtype})"
    to_list: str = "{x}.tolist()"  # format with {x}: an array back to (nested) Python lists of Python numbers
    clip: str = "np.clip({x}, 0, {hi})"  # format with {x}, {hi}: an index array clamped into 0..hi
    # empty arrays, on mlx 0.32: a sum or product of a bare slice runs only when its range is not empty (else the
    # identity), since the CPU reduction may never return when its input is an empty array made by
    # `mx.array(<numpy array>)` (or that array handed back by a slice or a transpose); and a write through index
    # arrays runs only when its target is not empty, since a scatter into an array with an empty axis raises
    guard_empty: bool = False

    def function(self, fn: str) -> str | None:
        return dict(self.functions).get(fn)

    def reducer(self, op: ReduceOp) -> str:
        return dict(self.reducers)[op]

    def dtype(self, dtype: DType) -> str:
        return dict(self.dtypes)[dtype]


def _dtypes(alias: str, bool_name: str = "bool") -> tuple[tuple[DType, str], ...]:
    names = {DType.BOOL: bool_name, DType.I8: "int8", DType.I16: "int16", DType.I32: "int32", DType.I64: "int64",
             DType.U8: "uint8", DType.U16: "uint16", DType.U32: "uint32", DType.U64: "uint64",
             DType.F32: "float32", DType.F64: "float64"}
    return tuple((d, f"{alias}.{n}") for d, n in names.items())


def _functions(alias: str, **overrides: str) -> tuple[tuple[str, str], ...]:
    table = {fn: f"{alias}.{fn}({{0}})" for fn in ("abs", "sqrt", "exp", "log", "sin", "cos", "tan", "tanh", "floor",
                                                   "ceil")}
    table["pow"] = f"{alias}.power({{0}}, {{1}})"
    table["rsqrt"] = f"1 / {alias}.sqrt({{0}})"
    table["sigmoid"] = f"1 / (1 + {alias}.exp(-{{0}}))"
    table.update(overrides)
    return tuple(table.items())


NUMPY = PyTarget(
    name="numpy", alias="np", imports=("import numpy as np",),
    functions=_functions("np"),
    reducers=((ReduceOp.SUM, "np.sum({x}, axis={axis})"), (ReduceOp.PROD, "np.prod({x}, axis={axis})"),
              (ReduceOp.MAX, "np.max({x}, axis={axis})"), (ReduceOp.MIN, "np.min({x}, axis={axis})")),
    maximum="np.maximum", minimum="np.minimum", where="np.where",
    logical_and="np.logical_and", logical_or="np.logical_or", logical_not="np.logical_not",
    arange="np.arange({lo}, {hi})", cast="{x}.astype({dtype})", transpose="np.transpose({x}, {perm})",
    flip="{x}[{rev}]", broadcast="np.broadcast_to({x}, {shape})",
    full="np.full({shape}, {value}, dtype={dtype})", copy="np.array({x})",
    trunc_div="np.sign({a}) * np.sign({b}) * (np.abs({a}) // np.abs({b}))", trunc_mod="np.fmod({a}, {b})",
    einsum="np.einsum({spec}, {args}, optimize=True)", einsum_ints=True, setitem=True, gather=True,
    dtypes=_dtypes("np", "bool_"),
)

TORCH = PyTarget(
    name="torch", alias="torch", imports=("import torch",),
    functions=_functions("torch", rsqrt="torch.rsqrt({0})", sigmoid="torch.sigmoid({0})", erf="torch.erf({0})",
                         pow="torch.pow({0}, {1})"),
    reducers=((ReduceOp.SUM, "torch.sum({x}, dim={axis})"), (ReduceOp.PROD, "torch.prod({x}, dim={axis})"),
              (ReduceOp.MAX, "torch.amax({x}, dim={axis})"), (ReduceOp.MIN, "torch.amin({x}, dim={axis})")),
    maximum="torch.maximum", minimum="torch.minimum", where="torch.where",
    logical_and="torch.logical_and", logical_or="torch.logical_or", logical_not="torch.logical_not",
    arange="torch.arange({lo}, max({lo}, {hi}))", cast="{x}.to({dtype})", transpose="{x}.permute({perm})",
    flip="torch.flip({x}, ({axis},))", broadcast="torch.broadcast_to({x}, {shape})",
    full="torch.full({shape}, {value}, dtype={dtype})", copy="torch.clone({x})",
    trunc_div="torch.div({a}, {b}, rounding_mode=\"trunc\")", trunc_mod="torch.fmod({a}, {b})",
    einsum="torch.einsum({spec}, {args})", einsum_ints=True, setitem=True, gather=True,
    # torch has no arithmetic on uint32/uint64; under the default ideal-integer model (whose proof assumes no
    # overflow) unsigned values are mathematical integers, which int64 represents exactly in range
    dtypes=tuple((d, "torch.int64" if d in (DType.U32, DType.U64) else n) for d, n in _dtypes("torch")),
    asarray="torch.as_tensor({x}, dtype={dtype})", clip="torch.clamp({x}, 0, {hi})",
)

JAX = PyTarget(
    name="jax", alias="jnp", imports=("import jax.numpy as jnp",),
    functions=_functions("jnp", erf="jax.scipy.special.erf({0})", sigmoid="jax.nn.sigmoid({0})",
                         rsqrt="jax.lax.rsqrt({0})"),
    reducers=((ReduceOp.SUM, "jnp.sum({x}, axis={axis})"), (ReduceOp.PROD, "jnp.prod({x}, axis={axis})"),
              (ReduceOp.MAX, "jnp.max({x}, axis={axis})"), (ReduceOp.MIN, "jnp.min({x}, axis={axis})")),
    maximum="jnp.maximum", minimum="jnp.minimum", where="jnp.where",
    logical_and="jnp.logical_and", logical_or="jnp.logical_or", logical_not="jnp.logical_not",
    arange="jnp.arange({lo}, {hi})", cast="{x}.astype({dtype})", transpose="jnp.transpose({x}, {perm})",
    flip="{x}[{rev}]", broadcast="jnp.broadcast_to({x}, {shape})",
    full="jnp.full({shape}, {value}, dtype={dtype})", copy="jnp.array({x})",
    trunc_div="jnp.sign({a}) * jnp.sign({b}) * (jnp.abs({a}) // jnp.abs({b}))", trunc_mod="jnp.fmod({a}, {b})",
    einsum="jnp.einsum({spec}, {args})", einsum_ints=True, setitem=False, gather=True,
    dtypes=_dtypes("jnp", "bool_"),
    asarray="jnp.asarray({x}, dtype={dtype})", clip="jnp.clip({x}, 0, {hi})",
)

TENSORFLOW = PyTarget(
    name="tensorflow", alias="tf", imports=("import tensorflow as tf",),
    functions=_functions("tf", abs="tf.abs({0})", sqrt="tf.sqrt({0})", exp="tf.exp({0})", log="tf.math.log({0})",
                         sin="tf.sin({0})", cos="tf.cos({0})", tan="tf.tan({0})", tanh="tf.tanh({0})",
                         floor="tf.floor({0})", ceil="tf.math.ceil({0})", pow="tf.pow({0}, {1})",
                         rsqrt="tf.math.rsqrt({0})", sigmoid="tf.sigmoid({0})", erf="tf.math.erf({0})"),
    reducers=((ReduceOp.SUM, "tf.reduce_sum({x}, axis={axis})"), (ReduceOp.PROD, "tf.reduce_prod({x}, axis={axis})"),
              (ReduceOp.MAX, "tf.reduce_max({x}, axis={axis})"), (ReduceOp.MIN, "tf.reduce_min({x}, axis={axis})")),
    maximum="tf.maximum", minimum="tf.minimum", where="tf.where",
    logical_and="tf.logical_and", logical_or="tf.logical_or", logical_not="tf.logical_not",
    arange="tf.range({lo}, max({lo}, {hi}), dtype=tf.int64)", cast="tf.cast({x}, {dtype})",
    transpose="tf.transpose({x}, {perm})", flip="tf.reverse({x}, [{axis}])", broadcast="tf.broadcast_to({x}, {shape})",
    full="tf.fill({shape}, tf.constant({value}, dtype={dtype}))", copy="tf.identity({x})",
    trunc_div="tf.truncatediv({a}, {b})", trunc_mod="tf.truncatemod({a}, {b})",
    einsum="tf.einsum({spec}, {args})", einsum_ints=False, setitem=False, gather=False,
    dtypes=_dtypes("tf"),
    asarray="tf.convert_to_tensor({x}, dtype={dtype})", to_list="{x}.numpy().tolist()",
    clip="tf.clip_by_value({x}, 0, {hi})",
)

MLX = PyTarget(
    name="mlx", alias="mx", imports=("import mlx.core as mx",),
    functions=_functions("mx", rsqrt="mx.rsqrt({0})", sigmoid="mx.sigmoid({0})", erf="mx.erf({0})"),
    reducers=((ReduceOp.SUM, "mx.sum({x}, axis={axis})"), (ReduceOp.PROD, "mx.prod({x}, axis={axis})"),
              (ReduceOp.MAX, "mx.max({x}, axis={axis})"), (ReduceOp.MIN, "mx.min({x}, axis={axis})")),
    maximum="mx.maximum", minimum="mx.minimum", where="mx.where",
    logical_and="mx.logical_and", logical_or="mx.logical_or", logical_not="mx.logical_not",
    arange="mx.arange({lo}, {hi})", cast="{x}.astype({dtype})", transpose="mx.transpose({x}, {perm})",
    flip="{x}[{rev}]", broadcast="mx.broadcast_to({x}, {shape})",
    full="mx.full({shape}, {value}, dtype={dtype})", copy="mx.array({x})",
    trunc_div="mx.sign({a}) * mx.sign({b}) * (mx.abs({a}) // mx.abs({b}))", trunc_mod="({a} - {b} * (mx.sign({a}) * "
    "mx.sign({b}) * (mx.abs({a}) // mx.abs({b}))))",
    einsum="mx.einsum({spec}, {args})", einsum_ints=False, setitem=True, gather=True,
    dtypes=_dtypes("mx"),
    asarray="mx.array({x}, dtype={dtype})", clip="mx.clip({x}, 0, {hi})", guard_empty=True,
)

PY_TARGETS: dict[str, PyTarget] = {t.name: t for t in (NUMPY, TORCH, JAX, TENSORFLOW, MLX)}
