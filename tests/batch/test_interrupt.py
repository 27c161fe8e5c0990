"""Ctrl-C in the middle of `tensorlift lift DIR --write --jobs 2`: a real process group gets SIGINT, as from a
terminal. Every source file is then untouched or completely rewritten, the workers are gone, the cache readable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tensorlift.api import lift_file
from tensorlift.batch import FileOutcome, new_text
from tensorlift.common import Language
from tensorlift.options import LiftOptions
from tensorlift.sources import SourceFile

FILES = 40
REPO = Path(__file__).resolve().parents[2]


def env_for(home: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "server"), "XDG_CACHE_HOME": str(home)}


def kernel(index: int) -> str:
    """A different loop per file (its constant), so no file is a cache hit of another."""
    return (f"def scale_{index}(xs):\n    out = [0.0] * len(xs)\n    for i in range(len(xs)):\n"
            f"        out[i] = xs[i] * {index + 2}.5\n    return out\n")


def group_ends(group: int, within: float) -> bool:
    """Whether every process of the group is gone (exited and reaped) within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_ctrl_c_leaves_files_whole_and_the_cache_readable(tmp_path: Path) -> None:
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    tree.mkdir()
    originals = {tree / f"k{index:03}.py": kernel(index) for index in range(FILES)}
    for path, text in originals.items():
        path.write_text(text)
    process = subprocess.Popen([sys.executable, "-m", "tensorlift", "lift", str(tree), "--write", "--jobs", "2",
                                "--cache-dir", str(cache), "--quiet"], env=env_for(tmp_path / "xdg"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if any(path.read_text() != text for path, text in originals.items()):
            break
        time.sleep(0.05)
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGINT)  # the whole group, as a terminal's Ctrl-C does
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert group_ends(process.pid, within=15), "no worker outlives the interrupted command"

    entries = list(cache.rglob("*.json"))
    assert entries, "results finished before Ctrl-C are in the cache"
    for entry in entries:
        assert json.loads(entry.read_text())["status"] in ("verified", "bounded", "not-lifted")

    rewritten = [path for path, text in originals.items() if path.read_text() != text]
    untouched = [path for path, text in originals.items() if path.read_text() == text]
    assert rewritten, "some files were written before Ctrl-C"
    assert untouched, f"the run ended before Ctrl-C reached it; raise FILES ({FILES})"
    options = LiftOptions(cache_dir=str(cache))
    for path in rewritten:
        source = SourceFile(path, Language.PYTHON, originals[path].encode())
        expected = new_text(FileOutcome(source, lift_file(source.data, Language.PYTHON, options, str(path))))
        assert path.read_text() == expected, f"{path.name} is the complete rewrite"
    assert not [p for p in tree.iterdir() if p.name.startswith(".")], "no temporary file is left in the tree"


def workers_of(parent: int) -> list[int]:
    """The worker processes (not the resource tracker) a `tensorlift lift --jobs N` process started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and "spawn_main" in command:
            found.append(int(entry.name))
    return found


def test_a_worker_killed_by_the_system_ends_the_run_with_an_error(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    for index in range(FILES):
        (tree / f"k{index:03}.py").write_text(kernel(index))
    process = subprocess.Popen([sys.executable, "-m", "tensorlift", "lift", str(tree), "--jobs", "2", "--no-cache",
                                "--quiet"], env=env_for(tmp_path / "xdg"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while time.monotonic() < deadline and process.poll() is None and len(workers) < 2:
        workers = workers_of(process.pid)
        time.sleep(0.1)
    assert workers, "the run started worker processes"
    time.sleep(0.5)
    killed = False
    for worker in workers_of(process.pid) or workers:  # as the out-of-memory killer would
        try:
            os.kill(worker, signal.SIGKILL)
            killed = True
            break
        except ProcessLookupError:
            continue  # that worker had already exited; try another
    assert killed, "a worker was alive to be killed"
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr
    assert "a worker process died" in stderr and "Traceback" not in stderr
    assert group_ends(process.pid, within=15)
