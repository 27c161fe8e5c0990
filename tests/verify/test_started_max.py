"""A max (or min) carried by a loop from a start value c: `best = c; for i: if (e(i) > best) best = e(i);`.

Its lift guards the empty range, `select(0 < n, max(c, max(i in 0:n, e(i))), c)`, and the inductive prover proves it
for every size with the invariant `best == (t > 0 ? best0 max red(lo, lo + t) : best0)` (the reduction has no
identity for the empty prefix). Wrong candidates are not proved: a different start value, an off-by-one range, min
for max; a candidate without the guard is refuted by the bounded check at n = 0 (and the inductive prover alone
proves it only under the stated assumption that the range is non-empty).
"""

from __future__ import annotations

import time

import pytest

from tensorlift.common import BinOp, ReduceOp, UnOp
from tensorlift.kernel import nodes as k
from tensorlift.options import LiftOptions
from tensorlift.results import Status
from tensorlift.semantics import NumericModel
from tensorlift.tensir import nodes as t
from tensorlift.verify import build_certificate, check_certificate, verify, verify_inductive

from .builders import (
    F64,
    arr,
    assign,
    kb,
    kc,
    kif,
    kld,
    ksub,
    kv,
    loop,
    out_scal,
    prog,
    scal,
    stmt,
    ta,
    tb,
    tc,
    ti,
    ts,
    tsum,
    unit,
)

n, i = kv("n"), kv("i")
tn, kx = ts("n"), ti("k")
MODEL = NumericModel()


def _abs(e: k.Expr) -> k.Expr:
    return k.Select(kb(BinOp.LT, e, kc(0.0)), k.Unary(UnOp.NEG, e, F64), e, F64)


def damax(start: float = 0.0, better: BinOp = BinOp.GT, step: int = 1) -> k.LiftUnit:
    """`best = start; for (i...) { a = |x[i]|; if (a > best) best = a; }` (a downward loop for step -1)."""
    update = kif(kb(better, kv("a", F64), kv("best", F64)), (assign("best", kv("a", F64)),))
    body = (assign("a", _abs(kld("x", i))), update)
    walk = loop("i", 0, n, *body) if step == 1 else loop("i", ksub(n, kc(1)), kc(-1), *body, step=-1)
    return unit((assign("best", kc(start)), walk), (arr("x"), scal("n")), (out_scal("best"),),
                source=f"double best = {start}; for (...) {{ double a = fabs(x[i]); if (a > best) best = a; }}")


def started(c: float = 0.0, empty: float | None = None, lo: t.Expr | int = 0, hi: t.Expr | None = None,
            op: ReduceOp = ReduceOp.MAX, guard: bool = True) -> t.Program:
    """`best = select(0 < n, c max max(k in lo:hi, |x(k)|), empty)` (without the select when not `guard`)."""
    reduced = tsum("k", lo, tn if hi is None else hi, t.Call("abs", (ta("x", kx),), F64), op)
    combined = tb(BinOp.MAX if op is ReduceOp.MAX else BinOp.MIN, tc(c), reduced)
    value = t.Select(tb(BinOp.LT, tc(0), tn), combined, tc(c if empty is None else empty), F64) if guard else combined
    return prog(stmt("best", (), (), value))


def test_max_from_a_constant_is_proved_for_every_size() -> None:
    result = verify_inductive(damax(), started(), model=MODEL, deadline=None)
    assert result.ok, result.reason
    assert any("(t > 0 ? best0 max" in inv for inv in result.invariants), result.invariants
    assert not any("non-empty" in a for a in result.assumptions)  # the guard covers n = 0: nothing assumed


def test_min_from_a_constant_is_proved() -> None:
    result = verify_inductive(damax(1e9, BinOp.LT), started(1e9, op=ReduceOp.MIN), model=MODEL, deadline=None)
    assert result.ok, result.reason


def test_max_from_a_constant_counting_down_is_proved_with_its_lemma() -> None:
    result = verify_inductive(damax(step=-1), started(), model=MODEL, deadline=None)
    assert result.ok, result.reason
    assert any("(t > 0 ? best0 max" in inv and "(hi - t, hi)" in inv for inv in result.invariants)
    assert [c.expect for c in result.checks if c.name.startswith("lemma:")].count("unsat") == 2


def test_max_from_the_first_element_is_proved_in_both_forms() -> None:
    """`m = z[0]; for i in 0:n: if z[i] > m: m = z[i]`: the started form `select(0 < n, max(z(0), max(...)), z(0))`
    and, where the source assumes n >= 1, the plain `max(i in 0:n, z(i))` (each template order still finds the
    one whose exit matches)."""
    update = kif(kb(BinOp.GT, kld("z", i), kv("m", F64)), (assign("m", kld("z", i)),))
    body = (assign("m", kld("z", kc(0))), loop("i", 0, n, update))
    u = unit(body, (arr("z"), scal("n")), (out_scal("m"),), assumptions=(kb(BinOp.GE, n, kc(1)),))
    first = ta("z", tc(0))
    reduced = tsum("k", 0, tn, ta("z", kx), ReduceOp.MAX)
    seeded = prog(stmt("m", (), (), t.Select(tb(BinOp.LT, tc(0), tn), tb(BinOp.MAX, first, reduced), first, F64)))
    for program in (seeded, prog(stmt("m", (), (), reduced))):
        result = verify_inductive(u, program, model=MODEL, deadline=None)
        assert result.ok, result.reason


WRONG = {
    "wrong start value": started(1.0),
    "wrong value for the empty range": started(empty=1.0),
    "range starts one late": started(lo=1),
    "range ends one early": started(hi=tb(BinOp.SUB, tn, tc(1))),
    "min for max": started(op=ReduceOp.MIN),
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_candidate_is_not_proved(name: str) -> None:
    program = WRONG[name]
    assert not verify_inductive(damax(), program, model=MODEL, deadline=None).ok
    status, proof, reason = verify(damax(), program, LiftOptions(), time.monotonic() + 60)
    assert status is Status.NOT_LIFTED and proof is None
    assert reason and ("differs from the loop" in reason or "undefined" in reason), reason  # a counterexample


def test_missing_guard_is_refuted_at_size_zero_and_never_proved_silently() -> None:
    program = started(guard=False)
    status, proof, reason = verify(damax(), program, LiftOptions(), time.monotonic() + 60)
    assert status is Status.NOT_LIFTED and proof is None
    assert reason and "n=0" in reason, reason
    # alone, the inductive prover can only assume the range non-empty, and then says so in the proof
    result = verify_inductive(damax(), program, model=MODEL, deadline=None)
    assert not result.ok or any("non-empty" in a for a in result.assumptions)


def test_the_started_max_verifies_end_to_end_with_a_certificate_that_rechecks() -> None:
    status, proof, reason = verify(damax(), started(), LiftOptions(), time.monotonic() + 60)
    assert status is Status.VERIFIED, reason
    assert proof is not None and proof.certificate is not None
    text = proof.certificate
    assert "(t > 0 ? best0 max" in text  # the invariant, in the header
    assert "define-funs-rec" in text or "define-fun-rec" in text  # the reduction's recursive definition
    assert check_certificate(text).ok
    # tamper-evidence: weakening the invariant's guard in any check is caught
    tampered = text.replace("(> t_i", "(>= t_i", 1)
    assert tampered != text
    assert not check_certificate(tampered).ok


def test_certificate_of_inductive_result_lists_the_definition() -> None:
    u, program = damax(), started()
    result = verify_inductive(u, program, model=MODEL, deadline=None)
    assert result.ok, result.reason
    text = build_certificate(u, program, result)
    assert "= max over k in lo:hi, peeled at hi - 1" in text
    assert check_certificate(text).ok


def _forge(text: str, old: str, new: str) -> str:
    """`text` with the first check block containing `old` edited, and every hash recomputed to match (what a
    forger could do: the hashes are tamper-evidence, not a signature). Only Z3's replay can then object."""
    import re

    from tensorlift.verify.certificate import CHECKSUM_PREFIX, checksum, sha256

    blocks = list(re.finditer(r"\(push\)\n; check (\d+): .*?\(pop\)\n", text, re.S))
    block = next(b for b in blocks if old in b.group(0))
    edited = block.group(0).replace(old, new, 1)
    number = int(block.group(1))
    text = text.replace(block.group(0), edited, 1)
    text = re.sub(rf"(;\| {number}\. expect \w+ sha256 )[0-9a-f]+", lambda m: m.group(1) + sha256(edited), text)
    start = text.find(CHECKSUM_PREFIX) + len(CHECKSUM_PREFIX)
    return text[:start] + checksum(text) + text[start + 64:]


def test_a_forged_invariant_fails_the_replay() -> None:
    """Weakening the invariant in the preservation check (its value before the first iteration, 0.0 -> 1.0) and
    re-hashing: the obligation no longer holds, and `check-proof` says which check failed."""
    status, proof, reason = verify(damax(), started(), LiftOptions(), time.monotonic() + 60)
    assert status is Status.VERIFIED and proof is not None and proof.certificate is not None, reason
    text = proof.certificate
    preserved = next(b for b in text.split("(push)\n") if "; check" in b and "is preserved by one iteration\n" in b)
    guard = next(line for line in preserved.splitlines() if "(ite (> t_i" in line)
    forged = _forge(text, guard, guard.replace(" 0.0)", " 1.0)"))
    assert forged != text
    result = check_certificate(forged)
    assert not result.ok and result.failed and result.failed.startswith("check "), result.message
    assert "Z3 says sat" in result.message, result.message
