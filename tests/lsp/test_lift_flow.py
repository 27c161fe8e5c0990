"""Open → diagnostics → code action → resolve → applied edit, through a real server process."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest_lsp
from lsp_helpers import CONFIG, apply_text_edits, diagnostics, execute, open_document, plain, start
from lsprotocol import types
from pytest_lsp import LanguageClient

SAXPY_PY = textwrap.dedent('''\
    """A saxpy in plain Python."""
    import numpy as np


    def saxpy(a, x, y, n):
        for i in range(n):
            y[i] = a * x[i] + y[i]
        return y


    if __name__ == "__main__":
        x = np.arange(5, dtype=float)
        y = np.ones(5)
        print(saxpy(2.0, x, y, 5).tolist())
''')

DOT_C = textwrap.dedent('''\
    double dot(int n, const double *x, const double *y)
    {
        double s = 0.0;
        for (int i = 0; i < n; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
''')


def has_loop(source: str) -> bool:
    return any(isinstance(node, (ast.For, ast.While)) for node in ast.walk(ast.parse(source)))


async def test_python_quick_fix_rewrites_the_loop(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "saxpy.py"
    uri = open_document(client, path, SAXPY_PY)
    found = await diagnostics(client, uri)
    assert len(found) == 1
    hint = found[0]
    assert hint.source == "tensorlift" and hint.code == "liftable"
    assert hint.severity == types.DiagnosticSeverity.Hint
    assert "liftable to NumPy — verified for all sizes" in hint.message
    assert "y(i)" in hint.message
    assert hint.range.start.line == 5
    assert isinstance(hint.data, dict) and set(hint.data) >= {"uri", "version", "unitId", "key"}

    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), hint.range, types.CodeActionContext([hint])))
    assert actions is not None
    quick = [a for a in actions if isinstance(a, types.CodeAction) and a.kind == types.CodeActionKind.QuickFix]
    assert [a.title for a in quick] == ["Lift to NumPy — verified for all sizes"]
    assert quick[0].edit is None and quick[0].is_preferred

    resolved = await client.code_action_resolve_async(quick[0])
    assert resolved.edit is not None and resolved.edit.document_changes
    source_edits = [c for c in resolved.edit.document_changes
                    if isinstance(c, types.TextDocumentEdit) and c.text_document.uri == uri]
    assert len(source_edits) == 1 and source_edits[0].text_document.version == 1
    new_text = apply_text_edits(SAXPY_PY, source_edits[0].edits)
    assert not has_loop(new_text.split('if __name__')[0])
    assert "# tensorlift: verified for all sizes (proof: .tensorlift/proofs/saxpy.saxpy-0.smt2)" in new_text

    created = [c for c in resolved.edit.document_changes if isinstance(c, types.CreateFile)]
    assert [Path(c.uri).name for c in created] == ["saxpy.saxpy-0.smt2"]
    certificate = next(c for c in resolved.edit.document_changes
                       if isinstance(c, types.TextDocumentEdit) and c.text_document.uri == created[0].uri)
    assert plain(certificate.edits)[0].new_text.startswith("; tensorlift-certificate")

    path.write_text(new_text, "utf-8")
    run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[1.0, 3.0, 5.0, 7.0, 9.0]"


async def test_c_source_gets_a_new_python_module(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "dot.c"
    uri = open_document(client, path, DOT_C)
    found = await diagnostics(client, uri)
    assert "liftable to NumPy — verified for all sizes: s = sum(" in found[0].message
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), found[0].range,
        types.CodeActionContext([found[0]], only=[types.CodeActionKind.RefactorRewrite])))
    assert actions is not None and len(actions) == 1
    assert isinstance(actions[0], types.CodeAction) and actions[0].kind == types.CodeActionKind.RefactorRewrite
    resolved = await client.code_action_resolve_async(actions[0])
    assert resolved.edit is not None and resolved.edit.document_changes
    changes = resolved.edit.document_changes
    created = [Path(c.uri).name for c in changes if isinstance(c, types.CreateFile)]
    assert created == ["dot_numpy.py", "dot.dot-0.smt2"]
    module_uri = next(c.uri for c in changes if isinstance(c, types.CreateFile) and c.uri.endswith("dot_numpy.py"))
    module = next(c for c in changes if isinstance(c, types.TextDocumentEdit) and c.text_document.uri == module_uri)
    text = plain(module.edits)[0].new_text
    assert "# tensorlift: verified for all sizes (proof: .tensorlift/proofs/dot.dot-0.smt2)" in text
    assert "{proof}" not in text
    namespace: dict[str, Any] = {}
    exec(compile(text, "dot_numpy.py", "exec"), namespace)
    import numpy as np

    function = next(v for k, v in namespace.items() if k.startswith("dot") and callable(v))
    arguments = {"n": 3, "x": np.array([1.0, 2.0, 3.0]), "y": np.array([4.0, 5.0, 6.0]), "s": 0.0}
    wanted = inspect.signature(function).parameters
    assert float(function(**{k: v for k, v in arguments.items() if k in wanted})) == 32.0
    assert not any(isinstance(c, types.TextDocumentEdit) and c.text_document.uri == uri for c in changes)


async def test_a_unit_that_does_not_lift_gets_no_diagnostic_and_no_action(client: LanguageClient,
                                                                          tmp_path: Path) -> None:
    source = textwrap.dedent('''\
        def walk(xs, n):
            total = 0
            for i in range(n):
                print(xs[i])
                total = total + xs[i]
            return total


        def double(x, y, n):
            for i in range(n):
                y[i] = 2 * x[i]
            return y
    ''')
    uri = open_document(client, tmp_path / "mixed.py", source)
    found = await diagnostics(client, uri)
    assert [d.range.start.line for d in found] == [9]
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), types.Range(types.Position(2, 0), types.Position(4, 0)),
        types.CodeActionContext([])))
    assert not actions

    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"tensorlift": {"showNotLifted": True}}))
    both = await diagnostics(client, uri, count=2)
    info = next(d for d in both if d.code == "not-lifted")
    assert info.severity == types.DiagnosticSeverity.Information and info.range.start.line == 1
    assert info.message.startswith("not lifted: ")


@pytest_lsp.fixture(config=CONFIG)
async def plain_client(lsp_client: LanguageClient, tmp_path: Path) -> Any:
    """A client without `documentChanges` (pytest-lsp's Neovim 0.7 capabilities): it cannot create files."""
    await start(lsp_client, tmp_path, capabilities="neovim@0.7.0")
    yield
    await lsp_client.shutdown_session()


async def test_a_client_that_cannot_create_files(plain_client: LanguageClient, tmp_path: Path) -> None:
    client = plain_client
    uri = open_document(client, tmp_path / "dot.c", DOT_C)
    found = await diagnostics(client, uri)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), found[0].range, types.CodeActionContext([found[0]])))
    assert actions
    action = actions[0]
    assert isinstance(action, types.CodeAction) and action.edit is None and action.command is None
    assert "cannot create files" in action.title
    resolved = await client.code_action_resolve_async(action)
    assert resolved.edit is None and resolved.command is not None
    assert resolved.command.command == "tensorlift.openLifted"
    lifted = await execute(client, resolved.command.command, *(resolved.command.arguments or []))
    assert "def dot" in lifted["module"] and "np.dot" in lifted["module"]
    assert lifted["status"] == "verified for all sizes"

    # Python sources are rewritten in place with plain `changes`; the proof is not written to a file
    py_uri = open_document(client, tmp_path / "double.py", "def double(x, y, n):\n    for i in range(n):\n"
                           "        y[i] = 2 * x[i]\n    return y\n")
    [hint] = await diagnostics(client, py_uri)
    [action] = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(py_uri), hint.range,
        types.CodeActionContext([hint], only=[types.CodeActionKind.QuickFix]))) or []
    assert isinstance(action, types.CodeAction)
    resolved = await client.code_action_resolve_async(action)
    assert resolved.edit is not None and resolved.edit.document_changes is None and resolved.edit.changes
    text = "".join(e.new_text for e in plain(resolved.edit.changes[py_uri]))
    assert "# tensorlift: verified for all sizes (proof: run tensorlift.showProof)" in text


async def test_a_target_that_cannot_express_the_loop_says_why_and_is_not_offered_again(
        client: LanguageClient, tmp_path: Path) -> None:
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"tensorlift": {"targets": ["numpy", "gemmini"]}}))
    uri = open_document(client, tmp_path / "dot.c", DOT_C)
    [hint] = await diagnostics(client, uri)
    params = types.CodeActionParams(types.TextDocumentIdentifier(uri), hint.range,
                                    types.CodeActionContext([hint], only=[types.CodeActionKind.QuickFix]))
    actions = await client.text_document_code_action_async(params) or []
    assert [a.title for a in actions] == ["Lift to NumPy — verified for all sizes",
                                          "Lift to Gemmini — verified for all sizes"]
    gemmini = actions[1]
    assert isinstance(gemmini, types.CodeAction)
    resolved = await client.code_action_resolve_async(gemmini)
    assert resolved.edit is None
    assert any("cannot lift dot to Gemmini" in m.message and "int8" in m.message for m in client.messages)
    again = await client.text_document_code_action_async(params) or []
    assert [a.title for a in again] == ["Lift to NumPy — verified for all sizes"]


MATMUL_C = textwrap.dedent('''\
    #include <stdint.h>

    void mm(int m, int n, int p, int8_t A[m][p], int8_t B[p][n], int32_t C[m][n]) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int32_t acc = 0;
                for (int k = 0; k < p; k++) {
                    acc += A[i][k] * B[k][j];
                }
                C[i][j] = acc;
            }
        }
    }
''')


async def test_c_source_is_rewritten_in_place_for_gemmini(client: LanguageClient, tmp_path: Path) -> None:
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"tensorlift": {"targets": ["gemmini"]}}))
    uri = open_document(client, tmp_path / "mm.c", MATMUL_C)
    [hint] = await diagnostics(client, uri)
    assert hint.message.startswith("liftable to Gemmini — ")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), hint.range,
        types.CodeActionContext([hint], only=[types.CodeActionKind.QuickFix]))) or []
    assert [a.title.split(" — ")[0] for a in actions] == ["Lift to Gemmini"]
    assert isinstance(actions[0], types.CodeAction)
    resolved = await client.code_action_resolve_async(actions[0])
    assert resolved.edit is not None and resolved.edit.document_changes
    [source_edit] = [c for c in resolved.edit.document_changes
                     if isinstance(c, types.TextDocumentEdit) and c.text_document.uri == uri]
    new_text = apply_text_edits(MATMUL_C, source_edit.edits)
    lines = new_text.splitlines()
    assert lines[1] == '#include "gemmini.h"'
    comment = next(i for i, line in enumerate(lines) if line.strip().startswith("/* tensorlift: "))
    assert lines[comment] == "    /* tensorlift: verified for all sizes (proof: .tensorlift/proofs/mm.mm-0.smt2) */"
    assert lines[comment + 1].startswith("    tiled_matmul_auto(m, n, p, ")
    assert "for (" not in new_text
