"""Options of a lift, shared by every front door. Frozen, so they can be part of a cache key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

IntModel = Literal["ideal", "wrap32"]
FloatModel = Literal["real", "ieee"]
ProofMode = Literal["inductive", "bounded"]
Guidance = Literal["uniform", "priors", "features", "llm"]


@dataclass(frozen=True, slots=True)
class LLMConfig:
    """An OpenAI-compatible chat-completions endpoint. The key itself is never stored: only the *name* of the
    environment variable that holds it."""

    base_url: str
    model: str
    api_key_env: str | None = None
    candidates: int = 10
    temperature: float = 0.8
    timeout: float = 20.0
    retries: int = 2
    cache_dir: str | None = None


@dataclass(frozen=True, slots=True)
class LiftOptions:
    target: str = "numpy"
    budget: float = 10.0  # seconds per unit, search and proofs together
    bound: int = 4  # the bounded verifier checks every size up to this, per dimension
    proof: ProofMode = "inductive"  # "inductive" tries to prove every size after the bounded check
    int_model: IntModel = "ideal"
    float_model: FloatModel = "real"
    seed: int = 0
    max_nodes: int = 200_000  # enumerator budget in grammar nodes expanded
    guidance: Guidance = "features"  # how the search is weighted ("llm" also needs `llm`)
    llm: LLMConfig | None = None
    rule_paths: tuple[str, ...] = field(default=())  # extra rule-pack folders, searched before the bundled ones
    cache_dir: str | None = None  # persistent result cache; None disables it
    analysis: bool = True  # try the analysis-derived lift first; False measures the guided search alone (ablation)
