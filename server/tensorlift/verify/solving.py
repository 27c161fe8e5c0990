"""Discharging proof obligations: every `unsat` counts only after its premises were shown satisfiable.

An obligation is `premises => goal`. It holds when the premises are satisfiable (so the proof is not vacuous:
a contradictory definition, assumption or invariant makes this first check fail) and `premises and not goal` is
unsatisfiable. `unknown` (a timeout, an incomplete theory) is a failure, never a pass.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import z3

from .result import Check


@dataclass(frozen=True, slots=True)
class Definition:
    """A recursive function as defined with `RecAddDefinition`: `func(params) = body`."""

    func: z3.FuncDeclRef
    params: tuple[z3.ExprRef, ...]
    body: z3.ExprRef

    def instance(self) -> z3.BoolRef:
        """The defining equation at fresh arguments. It follows from the definition, so adding it to premises
        changes nothing for a sound definition; for a contradictory one (`f(x) = f(x) + 1`) it makes the
        premises unsatisfiable at once, where Z3's lazy unfolding might never look."""
        args = [z3.FreshConst(p.sort(), "probe") for p in self.params]
        return self.func(*args) == z3.substitute(self.body, *zip(self.params, args, strict=True))


class ProofFailure(Exception):
    """A proof step that did not go through; the message is the reason a user reads."""


@dataclass(frozen=True, slots=True)
class Obligation:
    """`premises => goal`; with `goal` None only the premises' satisfiability is checked (a sanity check)."""

    name: str
    premises: tuple[z3.BoolRef, ...]
    goal: z3.BoolRef | None


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    reason: str | None  # why it failed
    model: z3.ModelRef | None  # a counterexample, when the negated goal was satisfiable
    checks: tuple[Check, ...]  # the queries made, for a certificate


class Checker:
    """Runs obligations with a per-query timeout, never past `deadline` (a `time.monotonic()` instant)."""

    def __init__(self, timeout_ms: int = 5000, deadline: float | None = None) -> None:
        self.timeout_ms = timeout_ms
        self.deadline = deadline

    def _timeout(self) -> int:
        if self.deadline is None:
            return self.timeout_ms
        left = int((self.deadline - time.monotonic()) * 1000)
        if left <= 0:
            raise ProofFailure("out of time: the proof budget ran out")
        return max(1, min(self.timeout_ms, left))

    def discharge(self, obligation: Obligation) -> Outcome:
        if obligation.goal is None:
            alone = self._solver(obligation.premises)
            # serialise before checking: afterwards the solver text carries its own preprocessing (model-add)
            sanity = Check(f"{obligation.name}: premises are satisfiable", "sat", alone.sexpr())
            answer = alone.check()
            if answer != z3.sat:
                return Outcome(False, self._vacuous(obligation, answer, alone), None, (sanity,))
            return Outcome(True, None, None, (sanity,))
        negated = z3.Not(obligation.goal)
        # one serialisation for both texts: the obligation's, and the same without its last assertion (the negated
        # goal) for the premises' check; the certificate's replay compares exactly those assertions
        text = self._solver((*obligation.premises, negated)).sexpr()
        sanity = Check(f"{obligation.name}: premises are satisfiable", "sat", _without_last_assertion(text))
        proof = Check(f"{obligation.name}", "unsat", text)
        premises: z3.Solver | None = None
        if obligation.premises:  # (no premises: the empty set is satisfiable)
            premises = self._solver(obligation.premises)
            answer = premises.check()
            if answer != z3.sat:
                return Outcome(False, self._vacuous(obligation, answer, premises), None, (sanity,))
        # a goal that simplifies to `true` is valid: nothing is left to refute (Z3's rewriter is equivalence-
        # preserving); otherwise only what did not simplify away goes to the solver
        simplified = z3.simplify(obligation.goal)
        if z3.is_true(simplified):
            return Outcome(True, None, None, (sanity, proof))
        # solve incrementally on the checked premises (Z3's incremental core handles floats inside arrays better)
        negation = premises if premises is not None else self._solver(())
        negation.set("timeout", self._timeout())
        negation.add(z3.Not(simplified))
        answer = negation.check()
        if answer == z3.unsat:
            return Outcome(True, None, None, (sanity, proof))
        if answer == z3.sat:
            return Outcome(False, f"{obligation.name}: does not hold", negation.model(), (sanity, proof))
        return Outcome(False, f"{obligation.name}: solver gave up ({negation.reason_unknown()})", None,
                       (sanity, proof))

    @staticmethod
    def _vacuous(obligation: Obligation, answer: z3.CheckSatResult, solver: z3.Solver) -> str:
        why = "contradictory" if answer == z3.unsat else f"undecided ({solver.reason_unknown()})"
        return f"{obligation.name}: premises are {why}; refusing a vacuous proof"

    def _solver(self, assertions: tuple[z3.BoolRef, ...]) -> z3.Solver:
        solver = z3.Solver()
        solver.set("timeout", self._timeout())
        solver.add(*assertions)
        return solver

    def holds(self, obligation: Obligation) -> bool:
        """A quick yes/no, for the invariant search (failures there are expected and not reported)."""
        try:
            return self.discharge(obligation).ok
        except ProofFailure:
            raise
        except z3.Z3Exception:
            return False


def _without_last_assertion(text: str) -> str:
    """An SMT-LIB2 text (declarations, then one `(assert ...)` per line start) without its last assertion."""
    cut = text.rfind("\n(assert ")
    if cut < 0:
        return "" if text.startswith("(assert ") else text
    return text[:cut + 1]
