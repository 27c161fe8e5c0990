"""The server's settings: the `tensorlift` section of `initializationOptions` / `workspace/configuration`.

One shape on the wire (the VS Code extension builds exactly this object, see vscode-extension/src/settings.ts):

    {targets, budget, proofMode, bound, intModel, floatModel, severity,
     llm: {baseUrl, model, apiKeyEnv}, rulePaths, cacheDir, showNotLifted}

`settings_from` maps it to `Settings` (invalid values fall back to the defaults, each one noted in `problems`);
`Settings.options(target)` gives the `LiftOptions` of one target. Nothing here touches the engine.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, cast

from ..cache import default_cache_dir
from ..options import FloatModel, IntModel, LiftOptions, LLMConfig, ProofMode

Severity = Literal["hint", "information", "warning"]

TARGETS: tuple[str, ...] = ("numpy", "torch", "tensorflow", "jax", "mlx", "gemmini")
TARGET_NAMES: dict[str, str] = {
    "numpy": "NumPy", "torch": "PyTorch", "tensorflow": "TensorFlow", "jax": "JAX", "mlx": "MLX",
    "gemmini": "Gemmini",
}
SECTION = "tensorlift"


@dataclass(frozen=True, slots=True)
class Settings:
    targets: tuple[str, ...] = ("numpy",)
    severity: Severity = "hint"
    show_not_lifted: bool = False
    base: LiftOptions = field(default_factory=lambda: LiftOptions(cache_dir=default_cache_dir()))
    problems: tuple[str, ...] = ()  # settings that were ignored, and why (logged once)

    @property
    def default_target(self) -> str:
        return self.targets[0]

    def options(self, target: str | None = None) -> LiftOptions:
        """The options of a lift for `target` (default: the first configured target)."""
        return replace(self.base, target=target or self.default_target)


def target_name(target: str) -> str:
    return TARGET_NAMES.get(target, target)


def settings_from(raw: Any, previous: Settings | None = None) -> Settings:
    """Map the `tensorlift` settings object to `Settings`. Keys that are missing keep `previous`'s values (the
    defaults when there is none); keys with invalid values fall back to the defaults and are reported."""
    previous = previous or Settings()
    if raw is None:
        return replace(previous, problems=())
    if not isinstance(raw, Mapping):
        return replace(previous, problems=(f"the settings are not an object: {raw!r}",))
    if isinstance(raw.get(SECTION), Mapping):  # `{"tensorlift": {...}}` (didChangeConfiguration) is accepted too
        raw = raw[SECTION]
    problems: list[str] = []
    defaults = Settings()
    base = previous.base

    def pick(key: str, ok: bool, value: Any, fallback: Any) -> Any:
        if ok:
            return value
        problems.append(f"{key}: {value!r} is not valid; using {fallback!r}")
        return fallback

    targets = previous.targets
    if "targets" in raw:
        value = raw["targets"]
        valid = tuple(dict.fromkeys(t for t in value if t in TARGETS)) if isinstance(value, list) else ()
        targets = pick("targets", bool(valid), valid, defaults.targets)
        unknown = [t for t in value if t not in TARGETS] if isinstance(value, list) else []
        if valid and unknown:
            problems.append(f"targets: ignored {unknown!r} (known: {list(TARGETS)})")
    severity = previous.severity
    if "severity" in raw:
        value = raw["severity"]
        severity = pick("severity", value in ("hint", "information", "warning"), value, defaults.severity)
    show_not_lifted = previous.show_not_lifted
    if "showNotLifted" in raw:
        value = raw["showNotLifted"]
        show_not_lifted = pick("showNotLifted", isinstance(value, bool), value, False)

    changes: dict[str, Any] = {}
    if "budget" in raw:
        value = raw["budget"]
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 3600
        changes["budget"] = float(pick("budget", ok, value, defaults.base.budget))
    if "bound" in raw:
        value = raw["bound"]
        ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 64
        changes["bound"] = pick("bound", ok, value, defaults.base.bound)
    if "proofMode" in raw:
        value = raw["proofMode"]
        changes["proof"] = cast(ProofMode, pick("proofMode", value in ("inductive", "bounded"), value, "inductive"))
    if "intModel" in raw:
        value = raw["intModel"]
        changes["int_model"] = cast(IntModel, pick("intModel", value in ("ideal", "wrap32"), value, "ideal"))
    if "floatModel" in raw:
        value = raw["floatModel"]
        changes["float_model"] = cast(FloatModel, pick("floatModel", value in ("real", "ieee"), value, "real"))
    if "rulePaths" in raw:
        value = raw["rulePaths"]
        ok = isinstance(value, list) and all(isinstance(p, str) for p in value)
        paths = pick("rulePaths", ok, value, [])
        changes["rule_paths"] = tuple(os.path.expanduser(p) for p in paths if p.strip())
    if "cacheDir" in raw:
        value = raw["cacheDir"]
        if value is None or value == "":
            changes["cache_dir"] = default_cache_dir()
        elif value is False:
            changes["cache_dir"] = None  # `false` turns the disk cache off
        else:
            ok = isinstance(value, str)
            changes["cache_dir"] = os.path.expanduser(pick("cacheDir", ok, value, default_cache_dir()))
    if "llm" in raw:
        changes.update(_llm(raw["llm"], problems))
    return Settings(targets, severity, show_not_lifted, replace(base, **changes), tuple(problems))


def _llm(value: Any, problems: list[str]) -> dict[str, Any]:
    if value is None:
        return {"llm": None, "guidance": "features"}
    if not isinstance(value, Mapping):
        problems.append(f"llm: {value!r} is not an object; the LLM stays off")
        return {"llm": None, "guidance": "features"}
    base_url, model, key_env = (value.get(k) for k in ("baseUrl", "model", "apiKeyEnv"))
    strings = all(v is None or isinstance(v, str) for v in (base_url, model, key_env))
    if not strings:
        problems.append("llm: baseUrl, model and apiKeyEnv must be strings; the LLM stays off")
        return {"llm": None, "guidance": "features"}
    if not base_url or not model:
        if base_url or model:
            problems.append("llm: both baseUrl and model are needed; the LLM stays off")
        return {"llm": None, "guidance": "features"}
    return {"llm": LLMConfig(base_url=base_url, model=model, api_key_env=key_env or None), "guidance": "llm"}
