"""Kernels with a correct candidate and mutants of it, shared by the bounded and inductive tests.

Each `Case` is a Kernel IR unit (as a C or Python frontend would produce it), the right TensIR program, and
named wrong programs that a sound verifier must reject.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tensorlift.common import BinOp, Language, ReduceOp, UnOp
from tensorlift.kernel import nodes as k
from tensorlift.tensir import nodes as t

from .builders import (
    BOOL,
    F64,
    I32,
    alloc,
    arr,
    assign,
    kadd,
    kb,
    kc,
    kif,
    kld,
    kmul,
    ksub,
    kv,
    loop,
    out_arr,
    out_scal,
    prog,
    scal,
    stmt,
    store,
    ta,
    tb,
    tc,
    tdom,
    ti,
    ts,
    tsum,
    unit,
)


@dataclass(frozen=True)
class Case:
    name: str
    unit: k.LiftUnit
    good: t.Program
    mutants: dict[str, t.Program] = field(default_factory=dict)


n, m, p, i, j, kk = kv("n"), kv("m"), kv("p"), kv("i"), kv("j"), kv("k")
tn, tm, tp = ts("n"), ts("m"), ts("p")
ii, jj, kx = ti("i"), ti("j"), ti("k")


def _sub(a: t.Expr, b: t.Expr) -> t.Bin:
    return tb(BinOp.SUB, a, b)


def dot() -> Case:
    body = (assign("s", kc(0.0)), loop("i", 0, n, assign("s", kadd(kv("s", F64), kmul(kld("a", i), kld("b", i))))))
    u = unit(body, (arr("a"), arr("b"), scal("n")), (out_scal("s"),), source="s = 0; for (i...) s += a[i]*b[i];")

    def with_range(lo: t.Expr | int, hi: t.Expr | int) -> t.Program:
        return prog(stmt("s", (), (), tsum("k", lo, hi, tb(BinOp.MUL, ta("a", kx), ta("b", kx)))))

    return Case("dot", u, with_range(0, tn), {
        "range off by one": with_range(0, _sub(tn, tc(1))),
        "+ for *": prog(stmt("s", (), (), tsum("k", 0, tn, tb(BinOp.ADD, ta("a", kx), ta("b", kx))))),
    })


def saxpy() -> Case:
    body = (loop("i", 0, n, store("y", i, value=kadd(kmul(kv("alpha", F64), kld("x", i)), kld("y", i)))),)
    u = unit(body, (arr("x"), arr("y"), scal("alpha", F64), scal("n")), (out_arr("y"),))
    alpha = ts("alpha", F64)

    def with_value(value: t.Expr) -> t.Program:
        return prog(stmt("y", (ii,), (tdom("i", 0, tn),), value))

    good = with_value(tb(BinOp.ADD, tb(BinOp.MUL, alpha, ta("x", ii)), ta("y", ii)))
    return Case("saxpy in place", u, good, {
        "+ to *": with_value(tb(BinOp.MUL, tb(BinOp.MUL, alpha, ta("x", ii)), ta("y", ii))),
        "dropped term": with_value(tb(BinOp.MUL, alpha, ta("x", ii))),
        "range off by one": prog(stmt("y", (ii,), (tdom("i", 1, tn),),
                                      tb(BinOp.ADD, tb(BinOp.MUL, alpha, ta("x", ii)), ta("y", ii)))),
    })


def gemv() -> Case:
    inner = loop("j", 0, n, store("y", i, value=kadd(kld("y", i), kmul(kld("A", i, j), kld("x", j)))))
    body = (loop("i", 0, m, store("y", i, value=kc(0.0)), inner),)
    source = "for (i = 0; i < m; i++) {\n  y[i] = 0;\n  for (j = 0; j < n; j++)\n    y[i] += A[i][j] * x[j];\n}"
    u = unit(body, (arr("A", 2), arr("x"), arr("y"), scal("m"), scal("n")), (out_arr("y"),), sizes=("m", "n"),
             source=source)

    def with_access(a: t.Access) -> t.Program:
        return prog(stmt("y", (ii,), (tdom("i", 0, tm),), tsum("j", 0, tn, tb(BinOp.MUL, a, ta("x", jj)))))

    return Case("gemv", u, with_access(ta("A", ii, jj)), {"wrong index A(j, i)": with_access(ta("A", jj, ii))})


def gemm() -> Case:
    inner = loop("k", 0, p, store("C", i, j, value=kadd(kld("C", i, j), kmul(kld("A", i, kk), kld("B", kk, j)))))
    body = (loop("i", 0, m, loop("j", 0, n, store("C", i, j, value=kc(0.0)), inner)),)
    u = unit(body, (arr("A", 2), arr("B", 2), arr("C", 2), scal("m"), scal("n"), scal("p")), (out_arr("C", 2),),
             sizes=("m", "n", "p"))
    product = tsum("k", 0, tp, tb(BinOp.MUL, ta("A", ii, kx), ta("B", kx, jj)))
    domain = (tdom("i", 0, tm), tdom("j", 0, tn))
    return Case("gemm", u, prog(stmt("C", (ii, jj), domain, product)), {
        "doubled": prog(stmt("C", (ii, jj), domain, tb(BinOp.MUL, tc(2.0), product))),
    })


def max_reduction() -> Case:
    body = (assign("best", kld("a", kc(0))),
            loop("i", 1, n, kif(kb(BinOp.GT, kld("a", i), kv("best", F64)), (assign("best", kld("a", i)),))))
    u = unit(body, (arr("a"), scal("n")), (out_scal("best"),), assumptions=(kb(BinOp.GE, n, kc(1)),))
    return Case("max", u, prog(stmt("best", (), (), tsum("k", 0, tn, ta("a", kx), ReduceOp.MAX))), {
        "min for max": prog(stmt("best", (), (), tsum("k", 0, tn, ta("a", kx), ReduceOp.MIN))),
        "range off by one": prog(stmt("best", (), (), tsum("k", 1, tn, ta("a", kx), ReduceOp.MAX))),
    })


def relu_select() -> Case:
    body = (loop("i", 0, n, kif(kb(BinOp.LT, kld("a", i), kc(0.0)), (store("out", i, value=kc(0.0)),),
                               (store("out", i, value=kld("a", i)),))),)
    u = unit(body, (arr("a"), arr("out"), scal("n")), (out_arr("out"),))
    good = prog(stmt("out", (ii,), (tdom("i", 0, tn),),
                     t.Select(tb(BinOp.LT, ta("a", ii), tc(0.0)), tc(0.0), ta("a", ii), F64)))
    clamp_wrong = prog(stmt("out", (ii,), (tdom("i", 0, tn),),
                            t.Select(tb(BinOp.LE, ta("a", ii), tc(0.0)), ta("a", ii), tc(0.0), F64)))
    return Case("relu select", u, good, {"swapped branches": clamp_wrong})


def stencil() -> Case:
    total = kadd(kadd(kld("a", ksub(i, kc(1))), kld("a", i)), kld("a", kadd(i, kc(1))))
    body = (loop("i", 1, ksub(n, kc(1)), store("out", i, value=kmul(kc(0.5), total))),)
    u = unit(body, (arr("a"), arr("out"), scal("n")), (out_arr("out"),))
    left, mid, right = ta("a", _sub(ii, tc(1))), ta("a", ii), ta("a", tb(BinOp.ADD, ii, tc(1)))
    dom = (tdom("i", 1, _sub(tn, tc(1))),)

    def with_sum(e: t.Expr) -> t.Program:
        return prog(stmt("out", (ii,), dom, tb(BinOp.MUL, tc(0.5), e)))

    return Case("3-point stencil", u, with_sum(tb(BinOp.ADD, tb(BinOp.ADD, left, mid), right)), {
        "dropped term": with_sum(tb(BinOp.ADD, left, mid)),
        "swapped -": prog(stmt("out", (ii,), dom, tb(BinOp.MUL, tc(0.5), tb(BinOp.SUB, tb(BinOp.ADD, left, mid),
                                                                               right)))),
    })


def reversed_copy() -> Case:
    body = (loop("i", 0, n, store("out", ksub(ksub(n, kc(1)), i), value=kld("a", i))),)
    u = unit(body, (arr("a"), arr("out"), scal("n")), (out_arr("out"),))
    good = prog(stmt("out", (ii,), (tdom("i", 0, tn),), ta("a", _sub(_sub(tn, tc(1)), ii))))
    return Case("reversed copy", u, good, {
        "not reversed": prog(stmt("out", (ii,), (tdom("i", 0, tn),), ta("a", ii))),
    })


def softmax_pieces() -> Case:
    body = (alloc("e", n), loop("i", 0, n, store("e", i, value=k.Call("exp", (kld("x", i),), F64))),
            assign("s", kc(0.0)), loop("i", 0, n, assign("s", kadd(kv("s", F64), kld("e", i)))))
    u = unit(body, (arr("x"), scal("n")), (out_arr("e", fresh=True), out_scal("s")))
    exp = t.Call("exp", (ta("x", ii),), F64)
    good = prog(stmt("e", (ii,), (tdom("i", 0, tn),), exp), stmt("s", (), (), tsum("k", 0, tn, ta("e", kx))))
    return Case("softmax pieces", u, good, {
        "sum of x": prog(stmt("e", (ii,), (tdom("i", 0, tn),), exp), stmt("s", (), (), tsum("k", 0, tn, ta("x", kx)))),
    })


def reversed_dot() -> Case:
    """Accumulates from the top; the proof needs the lemma that a sum also peels at its low end."""
    step = kadd(kv("s", F64), kmul(kld("a", i), kld("b", i)))
    body = (assign("s", kc(0.0)), loop("i", ksub(n, kc(1)), kc(-1), assign("s", step), step=-1))
    u = unit(body, (arr("a"), arr("b"), scal("n")), (out_scal("s"),))

    def with_range(lo: t.Expr | int, hi: t.Expr | int) -> t.Program:
        return prog(stmt("s", (), (), tsum("k", lo, hi, tb(BinOp.MUL, ta("a", kx), ta("b", kx)))))

    return Case("reversed dot", u, with_range(0, tn), {"range off by one": with_range(1, tn)})


def c_division() -> Case:
    """C's `/` on ints truncates; a candidate with Python's flooring `//` differs on negative inputs."""
    body = (loop("i", 0, n, store("out", i, value=kb(BinOp.DIV_TRUNC, kld("a", i, dtype=I32), kc(2)), dtype=I32)),)
    u = unit(body, (arr("a", dtype=I32), arr("out", dtype=I32), scal("n")), (out_arr("out", dtype=I32),))

    def with_op(op: BinOp) -> t.Program:
        return prog(stmt("out", (ii,), (tdom("i", 0, tn),), tb(op, ta("a", ii, dtype=I32), tc(2)), I32))

    return Case("C division", u, with_op(BinOp.DIV_TRUNC), {"flooring //": with_op(BinOp.DIV_FLOOR)})


def python_division() -> Case:
    body = (loop("i", 0, n, store("out", i, value=kb(BinOp.DIV_FLOOR, kld("a", i, dtype=I32), kc(2)), dtype=I32)),)
    u = unit(body, (arr("a", dtype=I32), arr("out", dtype=I32), scal("n")), (out_arr("out", dtype=I32),),
             language=Language.PYTHON)

    def with_op(op: BinOp) -> t.Program:
        return prog(stmt("out", (ii,), (tdom("i", 0, tn),), tb(op, ta("a", ii, dtype=I32), tc(2)), I32))

    return Case("Python division", u, with_op(BinOp.DIV_FLOOR), {"truncating tdiv": with_op(BinOp.DIV_TRUNC)})


def negate_unused() -> t.Expr:
    return t.Unary(UnOp.NEG, tc(1), I32)


ALL = (dot, saxpy, gemv, gemm, max_reduction, relu_select, stencil, reversed_copy, softmax_pieces, reversed_dot,
       c_division, python_division)
_ = BOOL
