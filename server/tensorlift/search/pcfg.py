"""Production probabilities over a unit's restricted grammar, and the costs (−log p) the search minimises.

Three sources of evidence, selected by `LiftOptions.guidance`:

- **priors** (`rules/priors/*.toml`): counts of *labels* (templatised productions such as `bin:+`,
  `access:reverse`, `reduce:max`) in the verified solutions of a corpus, or in recorded LLM answers;
- **features**: counts of *keys* (concrete productions of this unit: `bin:*`, `leaf:x(n - 1 - i)`, `reduce:max:i`)
  in the loop body: the operators it applies, the accesses it makes, the accumulations it performs;
- **llm**: counts of keys in the derivations of an LLM's candidate answers for this unit (STAGG's weighting).

For a nonterminal A with rules R_A, each source gives a distribution over R_A, smoothed so that nothing is zero:

    P_prior(r)   = (c(label r) + α) / Σ_{labels ℓ of R_A} (c(ℓ) + α)  ·  1 / #{r' ∈ R_A : label r' = label r}
    P_feat(r)    = (f(key r) + β) / Σ_{r' ∈ R_A} (f(key r') + β)
    P_llm(r)     = (l(key r) + β) / Σ_{r' ∈ R_A} (l(key r') + β)

(a label's mass is shared evenly by the rules that carry it, so five tensors read by the identity pattern do not
together outweigh one reversed access five times over). With α = 1 (add-one) and β = 0.25, the mixture is

    uniform   p(r) = 1 / |R_A|
    priors    p(r) = P_prior(r)
    features  p(r) = (1 − λ) P_prior(r) + λ P_feat(r)                       λ = 0.6
    llm       p(r) = (1 − μ) p_features(r) + μ P_llm(r)                     μ = 0.5 (0 when no answer parsed)

The grammar itself differs in one respect: under `features` and `llm` it also has the *fragment* productions (the
loop body's own subexpressions, see `grammar`), a static feature too; `uniform` and `priors` run without them, so
that they measure the plain enumerator.

Every p(r) is a convex combination of strictly positive terms, hence in (0, 1], and Σ_{R_A} p = 1. The cost of a
rule is −log p(r); a derivation's cost is the sum of its rules' costs, i.e. −log of its probability.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

from ..options import Guidance
from .grammar import OutputGrammar, Rule

ALPHA = 1.0
BETA = 0.25
LAMBDA_FEATURES = 0.6
MU_LLM = 0.5


@dataclass(frozen=True, slots=True)
class Priors:
    """Label counts, with where they came from."""

    counts: Mapping[str, float] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    made: Mapping[str, str] | None = None  # how they were learned (command, corpus, date, counts)

    def merged(self, other: Priors) -> Priors:
        total: dict[str, float] = {}
        for counts in (self.counts, other.counts):
            for label, n in counts.items():
                total[label] = total.get(label, 0.0) + n
        return Priors(dict(total), self.sources + other.sources)


def bundled_prior_dirs() -> list[Path]:
    """Where the project's priors live: `rules/priors` of the checkout and the package's data copy."""
    here = Path(__file__).resolve()
    candidates = [here.parents[3] / "rules" / "priors", here.parents[1] / "data" / "rules" / "priors"]
    return [c for c in candidates if c.is_dir()]


def load_priors(extra: Iterable[str] = ()) -> Priors:
    """Every `priors/*.toml` under the extra rule-pack folders, then the bundled ones, summed. A file holds a
    `[counts]` table of label = count (see `learn.write_priors`)."""
    found = Priors()
    folders = [Path(p) / "priors" for p in extra] + [Path(p) for p in extra] + bundled_prior_dirs()
    read: set[Path] = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            resolved = path.resolve()
            if resolved in read:
                continue
            read.add(resolved)
            found = found.merged(read_priors(path))
    return found


def read_priors(path: Path) -> Priors:
    data = tomllib.loads(path.read_text("utf-8"))
    counts = data.get("counts", {})
    made = data.get("made")
    return Priors({str(k): float(v) for k, v in counts.items() if isinstance(v, int | float) and v >= 0},
                  (str(path),), {str(k): str(v) for k, v in made.items()} if isinstance(made, dict) else None)


_CACHE: dict[tuple[str, ...], Priors] = {}


def cached_priors(extra: tuple[str, ...]) -> Priors:
    if extra not in _CACHE:
        _CACHE[extra] = load_priors(extra)
    return _CACHE[extra]


def probabilities(grammar: OutputGrammar, guidance: Guidance, priors: Priors, features: Mapping[str, int],
                  llm_counts: Mapping[str, int] | None = None) -> dict[Rule, float]:
    """p(r) for every rule of `grammar`, per the mixture in the module docstring."""
    result: dict[Rule, float] = {}
    for rules in grammar.by_lhs().values():
        result.update(_distribution(rules, guidance, priors, features, llm_counts))
    return result


def _distribution(rules: list[Rule], guidance: Guidance, priors: Priors, features: Mapping[str, int],
                  llm_counts: Mapping[str, int] | None) -> dict[Rule, float]:
    n = len(rules)
    if guidance == "uniform":
        return {r: 1.0 / n for r in rules}
    labels = Counter(r.label for r in rules)
    label_mass = {label: priors.counts.get(label, 0.0) + ALPHA for label in labels}
    total = sum(label_mass.values())
    prior = {r: label_mass[r.label] / total / labels[r.label] for r in rules}
    if guidance == "priors":
        return prior
    feat = _smoothed(rules, features)
    mixed = {r: (1 - LAMBDA_FEATURES) * prior[r] + LAMBDA_FEATURES * feat[r] for r in rules}
    if guidance == "features" or not llm_counts:
        return mixed
    llm = _smoothed(rules, llm_counts)
    return {r: (1 - MU_LLM) * mixed[r] + MU_LLM * llm[r] for r in rules}


def _smoothed(rules: list[Rule], counts: Mapping[str, int]) -> dict[Rule, float]:
    def count(r: Rule) -> float:
        return float(counts.get(r.key, counts.get(r.label, 0)))

    mass = {r: count(r) + BETA for r in rules}
    total = sum(mass.values())
    return {r: m / total for r, m in mass.items()}


def costs(probs: Mapping[Rule, float]) -> dict[Rule, float]:
    return {r: -math.log(p) for r, p in probs.items()}
