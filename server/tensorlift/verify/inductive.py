"""The inductive prover: Kernel ≡ TensIR for every size (see `kernel_vc` for the invariants and conditions).

Order of checks: a sanity check that the assumptions and every recursive definition the proof uses have a model;
then that every element the candidate reads or writes is inside the range the source's own accesses establish and
every divisor it uses is non-zero where the source's are (`ranges`: the model's arrays are total, so equal outputs
alone would accept `0 * x(n)`); then each loop's entry and preservation conditions (each with its own premises
shown satisfiable first); then,
per output, the exit condition: the state the Kernel leaves equals the candidate's result (arrays elementwise at
an arbitrary index, inside the allocated shape for arrays the unit creates, whose extents must match too).
"""

from __future__ import annotations

import z3

from ..common import DType
from ..kernel.nodes import LiftUnit
from ..semantics import NumericModel
from ..tensir import nodes as t
from .assumptions import assumption_sentences
from .candidate import CandidateModel, CandidateTranslator
from .guards import clobber_reason
from .kernel_vc import Ctx, ExecState, KernelProver, Proved
from .ranges import SourceRanges, source_ranges
from .result import VerifyResult
from .solving import Checker, Obligation, Outcome, ProofFailure
from .symbols import Symbols, Unsupported, proof_semantics

SEARCH_TIMEOUT_MS = 2000


def verify_inductive(unit: LiftUnit, program: t.Program, *, model: NumericModel, deadline: float | None,
                     timeout_ms: int = 5000, extra_premises: tuple[z3.BoolRef, ...] = ()) -> VerifyResult:
    """Prove `program` equal to `unit` for all sizes. `extra_premises` exist for testing that a contradictory
    premise is caught by the sanity check rather than proving anything."""
    checker = Checker(timeout_ms, deadline)
    search = Checker(min(timeout_ms, SEARCH_TIMEOUT_MS), deadline)
    sentences = assumption_sentences(unit, model)

    def fail(reason: str, proved: Proved | None = None) -> VerifyResult:
        checks = tuple(c for o in proved.outcomes for c in o.checks) if proved else ()
        return VerifyResult(False, "inductive", None, None, reason, sentences, checks)

    if unit.unsupported:
        return fail(f"not proved: {unit.unsupported}")
    clobbers = clobber_reason(unit, program)
    if clobbers:
        return fail(clobbers)
    syms = Symbols(proof_semantics(model), unit.sizes)
    proved = Proved()
    try:
        st = _initial_state(unit, syms)
        arrays = {n: v for n, v in st.values.items()}
        cand = CandidateTranslator(syms, arrays, st.ints, st.dtypes).run(program)
        prover = KernelProver(syms, cand, checker, search)
        premises = _assumed(prover, unit, st) + tuple(cand.nonempty) + extra_premises
        sentences = assumption_sentences(unit, model, _nonempty_sentences(cand))
        sanity = checker.discharge(Obligation("assumptions and definitions are consistent",
                                              (*syms.facts, *premises, *_probes(cand)), None))
        proved.outcomes.append(sanity)
        if not sanity.ok:
            return fail(sanity.reason or "inconsistent assumptions", proved)
        ranges = source_ranges(unit, syms, prover)
        sentences = (*sentences, *ranges.sentences(site.tensor for site in cand.accesses))
        for obligation in _range_obligations(syms, cand, ranges, premises):
            outcome = checker.discharge(obligation)
            proved.outcomes.append(outcome)
            if not outcome.ok:
                return fail(_range_reason(obligation, outcome), proved)
        final = prover.block(unit.body, st, Ctx(premises, {}, ""), proved)
        for obligation in _exit_obligations(unit, syms, cand, final, premises):
            outcome = checker.discharge(obligation)
            proved.outcomes.append(outcome)
            if not outcome.ok:
                return fail(outcome.reason or "exit condition failed", proved)
    except Unsupported as error:
        return fail(f"no inductive proof attempted: {error}")
    except ProofFailure as error:
        return fail(str(error))
    except z3.Z3Exception as error:
        return fail(f"solver error: {error}")
    invariants = (*proved.invariants, *cand.definitions)
    checks = tuple(c for o in proved.outcomes for c in o.checks)
    return VerifyResult(True, "inductive", None, None, None, sentences, checks, invariants)


def _range_obligations(syms: Symbols, cand: CandidateModel, ranges: SourceRanges,
                       premises: tuple[z3.BoolRef, ...]) -> list[Obligation]:
    """Every element the candidate reads or writes is inside the range the source's accesses establish (or, for a
    tensor the candidate creates, inside its extents), and every divisor it uses is non-zero where the source's
    divisions and assumptions say so (design §6: the source's preconditions are stated, never assumed away)."""
    base = (*syms.facts, *premises)
    out: list[Obligation] = []
    seen: set[str] = set()
    for site in cand.accesses:
        if site.tensor in cand.created and site.tensor in cand.extents:
            extents = cand.extents[site.tensor]
            if len(extents) != len(site.at):
                raise ProofFailure(f"{site.text}: {site.tensor} has rank {len(extents)}")
            inside = z3.And(*[z3.And(x >= 0, x < e) for x, e in zip(site.at, extents, strict=True)])
            where = f"the extents of {site.tensor}"
        elif site.tensor in cand.created:
            raise Unsupported(f"{site.text}: the extents of {site.tensor} are not known")
        elif ranges.knows(site.tensor):
            inside = ranges.inside(site.tensor, site.at)
            where = f"the range the source's accesses establish for {site.tensor}"
        else:
            raise ProofFailure(f"{site.text}: the source never accesses {site.tensor} in a way the prover can state, "
                               "so no range of it is established")
        goal = z3.Implies(site.when, inside)
        key = goal.sexpr()
        if key not in seen:
            seen.add(key)
            out.append(Obligation(f"{site.text} within {where}", base, goal))
    facts = tuple(ranges.divisions)
    for division in cand.divisions:
        goal = z3.Implies(division.when, division.nonzero)
        if z3.is_true(z3.simplify(goal)):
            continue  # a non-zero constant divisor
        out.append(Obligation(f"{division.text}, which is not zero wherever the source's divisions and "
                              "assumptions say so", (*base, *facts), goal))
    return out


def _range_reason(obligation: Obligation, outcome: Outcome) -> str:
    if outcome.model is not None:
        return f"{obligation.name}: does not hold (an access or divisor the source does not make safe)"
    return outcome.reason or f"{obligation.name}: not proved"


def _initial_state(unit: LiftUnit, syms: Symbols) -> ExecState:
    st = ExecState({}, {}, {})
    for p in unit.inputs:
        st.dtypes[p.name] = p.dtype
        if p.kind == "array":
            st.values[p.name] = syms.array(p.name, p.rank, p.dtype)
        elif p.dtype.is_int:
            st.ints[p.name] = syms.int_scalar(p.name, p.dtype)
        else:
            st.values[p.name] = syms.value_scalar(p.name, p.dtype)
    for o in unit.outputs:
        if o.fresh or o.name in st.dtypes:
            continue
        st.dtypes[o.name] = o.dtype
        if o.kind == "array":
            st.values[o.name] = syms.array(o.name, o.rank, o.dtype)
        else:
            st.values[o.name] = syms.value_scalar(o.name, o.dtype)
    return st


def _assumed(prover: KernelProver, unit: LiftUnit, st: ExecState) -> tuple[z3.BoolRef, ...]:
    """The unit's assumptions as premises; one this prover cannot translate is left out (a weaker premise only
    makes the proof harder, never wrong)."""
    out: list[z3.BoolRef] = []
    for a in unit.assumptions:
        try:
            out.append(z3.simplify(prover.sem.convert(prover.value(a, st), a.dtype, DType.BOOL)))
        except Unsupported:
            continue
    return tuple(out)


def _probes(cand: CandidateModel) -> list[z3.BoolRef]:
    """Each recursive definition's equation at fresh arguments: the sanity check must satisfy them all."""
    return [red.definition.instance() for red in cand.reductions]


def _nonempty_sentences(cand: CandidateModel) -> tuple[str, ...]:
    return tuple(f"max/min ranges are non-empty: {c}" for c in cand.nonempty)


def _exit_obligations(unit: LiftUnit, syms: Symbols, cand: CandidateModel, final: ExecState,
                      premises: tuple[z3.BoolRef, ...]) -> list[Obligation]:
    sem = syms.sem
    out: list[Obligation] = []
    base = (*syms.facts, *premises)
    for o in unit.outputs:
        kv, cv = final.values.get(o.name), cand.final.get(o.name)
        if kv is None:
            raise ProofFailure(f"the kernel does not define output {o.name}")
        if cv is None:
            raise ProofFailure(f"the candidate does not compute output {o.name}")
        name = f"output {o.name} equals the candidate's"
        if o.kind == "scalar":
            kd, cd = final.dtypes.get(o.name, o.dtype), _statement_dtype(cand, o.name, o.dtype)
            goal = sem.equal(sem.convert(kv, kd, o.dtype), sem.convert(cv, cd, o.dtype), o.dtype)
            out.append(Obligation(name, base, goal))
            continue
        ks = [syms.fresh_int(f"{o.name}_at{d}") for d in range(o.rank)]
        inside: list[z3.BoolRef] = []
        if o.fresh:
            shape = final.shapes.get(o.name)
            extents = cand.extents.get(o.name)
            if shape is None or extents is None or len(shape) != len(extents):
                raise ProofFailure(f"cannot match the shape of new array {o.name}")
            out.append(Obligation(f"new array {o.name} has the kernel's shape", base,
                                  z3.And(*[a == b for a, b in zip(shape, extents, strict=True)])))
            inside = [z3.And(kk >= 0, kk < n) for kk, n in zip(ks, shape, strict=True)]
        goal = sem.equal(z3.Select(kv, *ks), z3.Select(cv, *ks), o.dtype)
        out.append(Obligation(name, (*base, *inside), goal))
    return out


def _statement_dtype(cand: CandidateModel, name: str, default: DType) -> DType:
    versions = cand.versions.get(name)
    return versions[-1].statement.dtype if versions else default

