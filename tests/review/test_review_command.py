"""`tensorlift review` as CI runs it: the real command in a subprocess on a real git repository, every format."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]

SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")
REPORTED = {"c/dot.c": ["dot"], "py/renamed.py": ["double_all"], "py/prefix.py": ["running"],
            "py/extra.py": ["triple"]}


@pytest.fixture(scope="module")
def as_json(tensorlift: Run, review_repo: Path) -> dict[str, Any]:
    done = tensorlift("review", "--format", "json", "--repo", str(review_repo))
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_json_names_exactly_the_touched_units(as_json: dict[str, Any]) -> None:
    assert as_json["version"] == 1
    assert {f["path"]: [u["function"] for u in f["units"]] for f in as_json["files"]} == REPORTED
    status = {u["function"]: u["status"] for f in as_json["files"] for u in f["units"]}
    assert status == {"dot": "verified", "double_all": "verified", "running": "not-lifted", "triple": "verified"}
    renamed = next(f for f in as_json["files"] if f["path"] == "py/renamed.py")
    assert renamed["renamed_from"] == "py/moved.py"
    assert as_json["base"]["name"] == "merge base with main"
    dot = next(u for f in as_json["files"] for u in f["units"] if u["function"] == "dot")
    assert dot["tensir"] and dot["proof"]["method"] == "inductive" and dot["proof"]["assumptions"]


def test_sarif_is_valid_sarif_2_1_0(tensorlift: Run, review_repo: Path) -> None:
    done = tensorlift("review", "--format", "sarif", "--repo", str(review_repo))
    assert done.returncode == 0, done.stderr
    log = json.loads(done.stdout)
    schema = json.loads(SCHEMA.read_text("utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "tensorlift" and driver["version"] and driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == ["tensorlift/liftable"]
    results = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in run["results"]}
    assert set(results) == {"c/dot.c", "py/renamed.py", "py/extra.py"}, "only lifted units are results"
    assert all(r["level"] == "note" and r["ruleId"] == "tensorlift/liftable" for r in run["results"])
    assert results["py/extra.py"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert "fixes" not in results["c/dot.c"], "a C unit lifted to Python goes to a new module, not an in-place fix"
    (fix,) = results["py/extra.py"]["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "py/extra.py"
    inserted = "".join(r["insertedContent"]["text"] for r in change["replacements"])
    assert "for i in range" not in inserted and "xs" in inserted


def test_a_sarif_that_breaks_the_schema_is_caught() -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                         "results": [{"message": {"text": "m"}, "level": "hint"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(bad)


def test_markdown_is_a_pull_request_comment(tensorlift: Run, review_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "comment.md"
    done = tensorlift("review", "--format", "markdown", "--repo", str(review_repo), "--output", str(out))
    assert done.returncode == 0 and done.stdout == "", done.stderr
    text = out.read_text("utf-8")
    assert text.startswith("## tensorlift review\n")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) == 4, "one summary row per touched unit"
    assert text.count("<details>") == 3 == text.count("</details>"), "one collapsible section per lifted unit"
    assert text.count("```diff") == 3
    assert "+++ b/c/dot_numpy.py" in text, "the C unit's Python module as a new-file diff"
    assert "- arrays do not alias" in text, "proof assumptions are listed"
    assert "loop-carried" in text, "the reason a unit was not lifted"


def test_the_diff_applies_to_the_work_tree(tensorlift: Run, review_repo: Path) -> None:
    done = tensorlift("review", "--repo", str(review_repo))
    assert done.returncode == 0, done.stderr
    assert "# py/extra.py:2 triple: verified for all sizes" in done.stdout
    assert "--- a/py/renamed.py" in done.stdout and "+++ b/c/dot_numpy.py" in done.stdout
    check = subprocess.run(["git", "apply", "--check", "-"], input=done.stdout, cwd=review_repo,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_fail_on_liftable(tensorlift: Run, review_repo: Path) -> None:
    assert tensorlift("review", "--repo", str(review_repo), "--fail-on-liftable").returncode == 1
    assert tensorlift("review", "--repo", str(review_repo), "--fail-on-liftable", "--base", "HEAD",
                      "--format", "json").returncode == 1
    here = tensorlift("review", "--fail-on-liftable", "--base", "HEAD", "--format", "json", cwd=review_repo)
    assert here.returncode == 1, "--repo defaults to the current folder"


def test_nothing_liftable_changed_exits_0_with_fail_on_liftable(tensorlift: Run, review_repo: Path,
                                                                 tmp_path: Path) -> None:
    done = tensorlift("review", "--repo", str(review_repo), "--base", "feature", "--fail-on-liftable",
                      "--format", "markdown")
    # since `feature`: the uncommitted dot.c change and the untracked extra.py, both liftable
    assert done.returncode == 1
    clean = tmp_path / "clean"
    subprocess.run(["git", "clone", "-q", str(review_repo), str(clean)], check=True)
    done = tensorlift("review", "--repo", str(clean), "--base", "HEAD", "--fail-on-liftable", "--format",
                      "markdown")
    assert done.returncode == 0, done.stderr
    assert "No loop in the changed code." in done.stdout


def test_outside_a_repository_is_an_error(tensorlift: Run, tmp_path: Path) -> None:
    done = tensorlift("review", "--repo", str(tmp_path))
    assert done.returncode == 1
    assert "not in a git repository" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_base_is_an_error(tensorlift: Run, review_repo: Path) -> None:
    done = tensorlift("review", "--repo", str(review_repo), "--base", "v9.9-missing")
    assert done.returncode == 1
    assert "no such revision 'v9.9-missing'" in done.stderr and "Traceback" not in done.stderr
