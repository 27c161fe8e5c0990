"""Hover, the three commands, configuration changes and position encodings, through a real server process."""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path
from typing import Any

import pytest_lsp
from lsp_helpers import (
    CONFIG,
    apply_text_edits,
    diagnostics,
    execute,
    open_document,
    plain,
    replace_all,
    start,
    wait_for,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

TWO_LOOPS = textwrap.dedent('''\
    import math


    def scale(x, y, n, a):
        for i in range(n):
            y[i] = a * x[i]
        return y


    def norm2(x, n):
        s = 0.0
        for i in range(n):
            s += x[i] * x[i]
        return math.sqrt(s)
''')


def code_action_params(uri: str, diagnostic: types.Diagnostic) -> types.CodeActionParams:
    return types.CodeActionParams(types.TextDocumentIdentifier(uri), diagnostic.range,
                                  types.CodeActionContext([diagnostic], only=[types.CodeActionKind.QuickFix]))


async def test_hover_shows_tensir_code_status_and_assumptions(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_document(client, tmp_path / "two.py", TWO_LOOPS)
    await diagnostics(client, uri, count=2)
    hover = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri), types.Position(5, 12)))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert "liftable to NumPy — verified for all sizes" in text
    assert "y(i) = a * x(i)" in text
    assert "```python" in text and "np." not in text.split("```python")[0]
    assert "Assumptions:" in text and "- " in text.split("Assumptions:")[1]
    assert hover.range is not None and hover.range.start.line == 4
    nothing = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri), types.Position(0, 3)))
    assert nothing is None


async def test_lift_all_applies_every_rewrite(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_document(client, tmp_path / "two.py", TWO_LOOPS)
    summary = await execute(client, "tensorlift.liftAll", uri)
    assert summary["lifted"] == 2 and summary["notLifted"] == 0 and summary["applied"] is True
    assert "2 loop(s) lifted" in summary["message"]
    [applied] = client.applied_edits  # type: ignore[attr-defined]
    changes = applied.edit.document_changes
    edits = [e for c in changes if isinstance(c, types.TextDocumentEdit) and c.text_document.uri == uri
             for e in c.edits]
    new_text = apply_text_edits(TWO_LOOPS, edits)
    tree = ast.parse(new_text)
    assert not any(isinstance(node, ast.For) for node in ast.walk(tree))
    assert new_text.count("import numpy as np") == 1
    namespace: dict[str, Any] = {}
    exec(compile(new_text, "two.py", "exec"), namespace)
    import numpy as np

    x = np.array([3.0, 4.0])
    assert namespace["norm2"](x, 2) == 5.0
    assert namespace["scale"](x, np.zeros(2), 2, 2.0).tolist() == [6.0, 8.0]
    proofs = [c for c in changes if isinstance(c, types.CreateFile)]
    assert sorted(Path(c.uri).name for c in proofs) == ["two.norm2-0.smt2", "two.scale-0.smt2"]


async def test_show_proof_and_recheck_it_against_the_current_text(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_document(client, tmp_path / "two.py", TWO_LOOPS)
    where = {"line": 12, "character": 8}
    proof = await execute(client, "tensorlift.showProof", uri, where)
    assert proof["status"] == "verified for all sizes"
    assert proof["certificate"].startswith("; tensorlift-certificate")
    checked = await execute(client, "tensorlift.recheckProof", uri, where)
    assert checked["ok"] is True, checked["message"]

    # A comment inside the loop: the unit is the same (its result is reused), the proved text is not there any more.
    edited = TWO_LOOPS.replace("        s += x[i] * x[i]\n", "        # squares\n        s += x[i] * x[i]\n")
    replace_all(client, uri, TWO_LOOPS, edited, 2)
    await diagnostics(client, uri, count=2, version=2)
    checked = await execute(client, "tensorlift.recheckProof", uri, where)
    assert checked["ok"] is False
    assert "source" in checked["message"]

    outside = await execute(client, "tensorlift.showProof", uri, {"line": 0, "character": 0})
    assert outside is None
    bad = await execute(client, "tensorlift.recheckProof", "file:///nowhere.py", {"line": 0})
    assert bad["ok"] is False


async def test_configuration_changes_titles_and_severity(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_document(client, tmp_path / "two.py", TWO_LOOPS)
    found = await diagnostics(client, uri, count=2)
    assert {d.severity for d in found} == {types.DiagnosticSeverity.Hint}
    before = await client.text_document_code_action_async(code_action_params(uri, found[0]))
    assert [a.title for a in before or []] == ["Lift to NumPy — verified for all sizes"]

    # pushed settings (what the VS Code extension sends)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"tensorlift": {"targets": ["numpy", "torch"], "severity": "warning"}}))

    def warned() -> list[types.Diagnostic] | None:
        last = client.diagnostics.get(uri) or []
        return list(last) if len(last) == 2 and all(
            d.severity == types.DiagnosticSeverity.Warning for d in last) else None

    found = await wait_for(warned, 30, "warning diagnostics")
    after = await client.text_document_code_action_async(code_action_params(uri, found[0]))
    titles = [a.title for a in after or []]
    assert titles == ["Lift to NumPy — verified for all sizes", "Lift to PyTorch — verified for all sizes"]
    torch_action = next(a for a in after or [] if isinstance(a, types.CodeAction) and "PyTorch" in a.title)
    resolved = await client.code_action_resolve_async(torch_action)
    assert resolved.edit is not None and resolved.edit.document_changes
    text = "".join(e.new_text for c in resolved.edit.document_changes if isinstance(c, types.TextDocumentEdit)
                   and c.text_document.uri == uri for e in plain(c.edits))
    assert "torch" in text

    # pulled settings: the notification carries nothing, the server asks with workspace/configuration
    client.set_configuration({"tensorlift": {"targets": ["jax"], "severity": "information"}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))

    def informed() -> bool:
        last = client.diagnostics.get(uri) or []
        return len(last) == 2 and all(d.severity == types.DiagnosticSeverity.Information and "JAX" in d.message
                                      for d in last)

    await wait_for(informed, 60, "information diagnostics for JAX")


TWICE_C = textwrap.dedent('''\
    void twice(int n, const float *x, float *y)
    {
        /* é😀 */ for (int i = 0; i < n; i++) y[i] = 2.0f * x[i];
    }
''')


@pytest_lsp.fixture(config=CONFIG)
async def utf8_client(lsp_client: LanguageClient, tmp_path: Path) -> Any:
    await start(lsp_client, tmp_path, encodings=["utf-8", "utf-16"])
    yield
    await lsp_client.shutdown_session()


async def test_columns_in_the_negotiated_utf8(utf8_client: LanguageClient, tmp_path: Path) -> None:
    result = utf8_client.initialize_result  # type: ignore[attr-defined]
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    uri = open_document(utf8_client, tmp_path / "twice.c", TWICE_C)
    [hint] = await diagnostics(utf8_client, uri)
    line = TWICE_C.split("\n")[2]
    assert hint.range.start.character == len(line[: line.index("for")].encode("utf-8")) == 17
    hover = await utf8_client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri), types.Position(2, 18)))
    assert hover is not None


async def test_columns_are_converted_to_utf16(client: LanguageClient, tmp_path: Path) -> None:
    source = TWICE_C
    uri = open_document(client, tmp_path / "twice.c", source)
    [hint] = await diagnostics(client, uri)
    line = source.split("\n")[2]
    assert hint.range.start.line == 2
    assert hint.range.start.character == len(line[: line.index("for")].encode("utf-16-le")) // 2 == 14
    assert hint.range.end.character == len(line.encode("utf-16-le")) // 2


async def test_bad_input_does_not_stop_the_server(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_document(client, tmp_path / "broken.py", "def f(:\n    for i in range(\n")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), types.Range(types.Position(99, 0), types.Position(120, 0)),
        types.CodeActionContext([])))
    assert not actions
    resolved = await client.code_action_resolve_async(types.CodeAction("x", data={"uri": 3, "unitId": None}))
    assert resolved.edit is None
    hover = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier("file:///not-open.c"), types.Position(0, 0)))
    assert hover is None
    uri2 = open_document(client, tmp_path / "two.py", TWO_LOOPS)
    assert len(await diagnostics(client, uri2, count=2)) == 2


TWO_C = textwrap.dedent('''\
    void scale(int n, float a, const float *x, float *y)
    {
        for (int i = 0; i < n; i++)
            y[i] = a * x[i];
    }

    float total(int n, const float *x)
    {
        float s = 0.0f;
        for (int i = 0; i < n; i++)
            s += x[i];
        return s;
    }
''')


async def test_lift_all_in_a_c_file_makes_one_module(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_document(client, tmp_path / "two.c", TWO_C)
    summary = await execute(client, "tensorlift.liftAll", uri)
    assert summary["lifted"] == 2 and summary["applied"] is True
    [applied] = client.applied_edits  # type: ignore[attr-defined]
    changes = applied.edit.document_changes
    created = [Path(c.uri).name for c in changes if isinstance(c, types.CreateFile)]
    assert created[0] == "two_numpy.py" and sorted(created[1:]) == ["two.scale-0.smt2", "two.total-0.smt2"]
    assert not any(isinstance(c, types.TextDocumentEdit) and c.text_document.uri == uri for c in changes)
    module_edit = next(c for c in changes if isinstance(c, types.TextDocumentEdit)
                       and c.text_document.uri.endswith("two_numpy.py"))
    module = plain(module_edit.edits)[0].new_text
    assert module.count("import numpy as np") == 1 and module.count("(proof: .tensorlift/proofs/two.") == 2
    namespace: dict[str, Any] = {}
    exec(compile(module, "two_numpy.py", "exec"), namespace)
    import numpy as np

    functions = {k.split("_")[0]: v for k, v in namespace.items() if callable(v) and k[:5] in ("scale", "total")}
    assert list(functions["scale"](2, 3.0, np.array([1.0, 2.0]), np.zeros(2))) == [3.0, 6.0]
    signature = inspect.signature(functions["total"]).parameters
    given = {"n": 3, "x": np.array([1.0, 2.0, 3.0]), "s": 0.0}
    assert float(functions["total"](**{k: v for k, v in given.items() if k in signature})) == 6.0
