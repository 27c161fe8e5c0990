"""`tensorlift lift DIR` at scale: parallel workers, the shared cache, reports and their reproducibility."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tensorlift.batch import TIMING_HEADING

Run = Callable[..., subprocess.CompletedProcess[str]]


def without_times(report: dict[str, Any]) -> dict[str, Any]:
    for entry in report["files"]:
        for unit in entry["units"]:
            unit.pop("seconds", None)
    report.pop("timing", None)
    return report


def test_two_jobs_give_the_same_json_as_one(tensorlift: Run, tree: Path) -> None:
    one = tensorlift("lift", str(tree), "--json", "--jobs", "1", "--no-cache")
    two = tensorlift("lift", str(tree), "--json", "--jobs", "2", "--no-cache")
    assert one.returncode == 0 == two.returncode, one.stderr + two.stderr
    first, second = without_times(json.loads(one.stdout)), without_times(json.loads(two.stdout))
    assert first == second
    paths = [Path(f["path"]).relative_to(tree).as_posix() for f in first["files"]]
    assert paths == ["app/config.py", "kernels/dot.c", "kernels/py/prefix.py", "kernels/py/scale.py"], (
        "files in a fixed (sorted) order; build/ is skipped")
    status = {u["function"]: u["status"] for f in first["files"] for u in f["units"]}
    assert status == {"dot": "verified", "running": "not-lifted", "scale": "verified"}


def test_the_default_cache_is_shared_under_xdg_cache_home(tensorlift: Run, tree: Path, tmp_path: Path) -> None:
    done = tensorlift("lift", str(tree / "kernels" / "dot.c"), "--json")
    assert done.returncode == 0, done.stderr
    entries = list((tmp_path / "xdg" / "tensorlift").rglob("*.json"))
    assert entries, "the result went to $XDG_CACHE_HOME/tensorlift"
    assert all(json.loads(p.read_text())["status"] for p in entries)
    again = tensorlift("lift", str(tree / "kernels" / "dot.c"), "--json", "--no-cache")
    assert again.returncode == 0
    assert len(list((tmp_path / "xdg" / "tensorlift").rglob("*.json"))) == len(entries), "--no-cache writes none"


def test_the_summary_table_counts_per_language(tensorlift: Run, tree: Path) -> None:
    done = tensorlift("lift", str(tree), "--quiet", "--jobs", "2", "--no-cache")
    assert done.returncode == 0, done.stderr
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
            for line in done.stdout.splitlines() if line.startswith("│")}
    assert rows["c"][:5] == ["1", "1", "1", "0", "0"]  # files, loops, verified, bounded, not lifted
    assert rows["python"][:5] == ["3", "2", "1", "0", "1"]
    assert rows["total"][:5] == ["4", "3", "2", "0", "1"]
    assert "3 loops in 4 files: 2 verified for all sizes, 0 bounded, 1 not lifted" in done.stdout


def test_reports_name_version_packs_budget_and_seed(tensorlift: Run, tree: Path, tmp_path: Path) -> None:
    md, js = tmp_path / "report.md", tmp_path / "report.json"
    done = tensorlift("lift", str(tree), "--quiet", "--report", str(md), "--budget", "7", "--seed", "3")
    assert done.returncode == 0, done.stderr
    done = tensorlift("lift", str(tree), "--quiet", "--report", str(js), "--budget", "7", "--seed", "3")
    assert done.returncode == 0, done.stderr
    report = json.loads(js.read_text())
    run = report["run"]
    assert run["tensorlift"] and run["options"]["budget"] == 7 and run["options"]["seed"] == 3
    (pack,) = run["rule_packs"]
    assert pack["name"] == "core" and pack["path"] == "bundled" and len(pack["sha256"]) == 64
    assert [f["path"] for f in report["files"]] == sorted(f["path"] for f in report["files"])
    assert all("seconds" not in u for f in report["files"] for u in f["units"]), "times only in the timing section"
    assert set(report["timing"]["files"]) == {f["path"] for f in report["files"]}
    text = md.read_text()
    assert f"`{pack['sha256']}`" in text and "budget 7 s per loop, seed 3" in text
    assert "| scale | 2 | verified for all sizes |" in text and "loop-carried" in text
    assert text.index("## Files") < text.index(TIMING_HEADING)


def test_extra_rule_packs_are_named_with_their_hash(tensorlift: Run, tree: Path, tmp_path: Path) -> None:
    from tensorlift.codegen.loader import bundled_rules

    extra = tmp_path / "packs" / "mine"
    extra.mkdir(parents=True)
    (extra / "pack.toml").write_text((bundled_rules() / "core" / "pack.toml").read_text().replace(
        'name = "core"', 'name = "mine"'))
    for target in ("numpy", "torch", "tensorflow", "jax", "mlx", "gemmini"):
        source = bundled_rules() / "core" / f"{target}.toml"
        if source.exists():
            (extra / f"{target}.toml").write_text(source.read_text())
    out = tmp_path / "r.json"
    done = tensorlift("lift", str(tree / "kernels" / "dot.c"), "--quiet", "--rules", str(extra), "--report", str(out))
    assert done.returncode == 0, done.stderr
    packs = json.loads(out.read_text())["run"]["rule_packs"]
    assert [p["path"] for p in packs] == [str(extra), "bundled"]
    assert packs[0]["sha256"] != packs[1]["sha256"], "the pack.toml differs, so the hash does"


def test_the_same_inputs_give_the_same_report(tensorlift: Run, tree: Path, tmp_path: Path) -> None:
    reports = []
    for index, jobs in enumerate(("1", "2", "2")):
        for suffix in (".md", ".json"):
            out = tmp_path / f"run{index}{suffix}"
            # the first run computes, later runs read the cache: the report must not tell them apart
            done = tensorlift("lift", str(tree), "--quiet", "--jobs", jobs, "--report", str(out))
            assert done.returncode == 0, done.stderr
        md = (tmp_path / f"run{index}.md").read_text()
        reports.append((md[:md.index(TIMING_HEADING)], without_times(json.loads((tmp_path / f"run{index}.json")
                                                                                .read_text()))))
    assert reports[0] == reports[1] == reports[2]
