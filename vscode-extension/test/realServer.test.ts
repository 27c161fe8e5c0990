/**
 * End to end: the extension's commands and language client (under the `vscode` stub) against the real
 * `python -m tensorlift serve` of this repository (server/ is put on PYTHONPATH). Skipped, with the reason,
 * when no Python can import it or TENSORLIFT_E2E=0; TENSORLIFT_PYTHON picks the interpreter.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import * as vscode from 'vscode';

import { createLanguageClient } from '../src/client';
import { CLIENT_COMMANDS, registerCommands } from '../src/commands';
import type { ManagedClient } from '../src/controller';
import { ProofDocuments, PROOF_SCHEME } from '../src/proofDocuments';
import { defaultPython } from '../src/serverDiscovery';
import { type StubDocument, tempDir, until, vscodeStub } from './helpers';

const stub = vscodeStub();

const SAXPY = [
    '"""A saxpy in plain Python."""',
    '',
    '',
    'def saxpy(a, x, y, n):',
    '    for i in range(n):',
    '        y[i] = a * x[i] + y[i]',
    '    return y',
    '',
].join('\n');

/** This repository's server sources: out/test → vscode-extension → the repository root. */
const SERVER_SOURCES = path.join(__dirname, '..', '..', '..', 'server');

/** A Python that can import this repository's server, or why there is none (checked synchronously). */
function findPython(): { python?: string; reason?: string } {
    if (process.env.TENSORLIFT_E2E === '0') {
        return { reason: 'TENSORLIFT_E2E=0' };
    }
    const python = process.env.TENSORLIFT_PYTHON ?? defaultPython();
    if (python === undefined) {
        return { reason: 'no python3 on PATH (set TENSORLIFT_PYTHON)' };
    }
    process.env.PYTHONPATH = [SERVER_SOURCES, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
    const check = spawnSync(python, ['-c', 'import tensorlift.lsp.server'], { encoding: 'utf8', timeout: 60_000 });
    if (check.status !== 0) {
        const why = check.error?.message ?? check.stderr.trim().split('\n').at(-1) ?? '';
        return { reason: `${python} cannot import tensorlift.lsp.server: ${why}` };
    }
    return { python };
}

const found = findPython();
if (found.reason !== undefined) {
    console.log(`# skipping the end-to-end tests against the real server: ${found.reason}`);
}

describe('against the real tensorlift server', { skip: found.reason, timeout: 240_000 }, () => {
    let client: ManagedClient;
    let source: vscode.Uri;
    let document: StubDocument;
    const progress: unknown[] = [];
    const subscriptions: vscode.Disposable[] = [];

    before(async () => {
        stub.reset();
        const root = tempDir('tensorlift-e2e-');
        process.env.XDG_CACHE_HOME = path.join(root, 'cache'); // keep the server's cache out of the home folder
        process.env.TENSORLIFT_PROGRESS_DELAY = '0'; // progress for every lift, however fast this machine lifts
        const file = path.join(root, 'saxpy.py');
        writeFileSync(file, SAXPY);
        source = vscode.Uri.file(file);
        document = stub.document(source, 'python', SAXPY);
        stub.workspaceFolders = [{ uri: vscode.Uri.file(root), name: 'e2e', index: 0 }];
        stub.settings.set('tensorlift.budget', 30);
        // Open before the client starts: it sends didOpen for the open documents it handles.
        (vscode.workspace.textDocuments as unknown as unknown[]).push(document);

        const channel = vscode.window.createOutputChannel('tensorlift', { log: true });
        client = createLanguageClient(
            { command: found.python ?? 'python3', args: ['-m', 'tensorlift', 'serve'], source: 'tensorlift.interpreter' },
            { outputChannel: channel, onProgress: (_token, value) => progress.push(value) },
        );
        const proofs = new ProofDocuments();
        subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(PROOF_SCHEME, proofs), proofs);
        subscriptions.push(
            ...registerCommands({
                server: () => client,
                restartServer: () => Promise.resolve(),
                showOutput: () => undefined,
                proofs,
            }),
        );
        await client.start();
    });

    after(async () => {
        await client?.stop();
        for (const subscription of subscriptions) {
            subscription.dispose();
        }
    });

    it('publishes a liftable hint on the loop, and reports progress while lifting', async () => {
        await until(() => vscode.languages.getDiagnostics(source).length > 0, 'the liftable diagnostic', 180_000);
        const [hint] = vscode.languages.getDiagnostics(source);
        assert.equal(hint?.source, 'tensorlift');
        assert.equal(hint?.code, 'liftable');
        assert.equal(hint?.range.start.line, 4);
        assert.ok(progress.some((v) => (v as { kind?: string }).kind === 'begin'), 'work-done progress began');
    });

    it('lifts the loop at the cursor: resolve, rewrite, proof file', async () => {
        stub.activeTextEditor = stub.editor(document, 5, 8);
        await stub.commands.get(CLIENT_COMMANDS.liftAtCursor)?.();
        const edit = stub.appliedEdits.at(-1) as { operations: { op: string; uri: string; edits?: { newText: string }[] }[] } | undefined;
        assert.ok(edit, `an edit was applied; messages: ${JSON.stringify(stub.messages)}`);
        const rewrite = edit.operations.find((o) => o.op === 'edit' && o.uri === source.toString());
        assert.ok(rewrite?.edits?.some((e) => e.newText.includes('tensorlift: verified')), JSON.stringify(rewrite));
        assert.ok(edit.operations.some((o) => o.op === 'createFile' && o.uri.endsWith('.smt2')));
    });

    it('shows the proof certificate of the loop at the cursor', async () => {
        stub.activeTextEditor = stub.editor(document, 5, 8);
        await stub.commands.get(CLIENT_COMMANDS.showProof)?.();
        const shown = stub.shownDocuments.at(-1)?.document;
        assert.ok(shown, `a proof was shown; messages: ${JSON.stringify(stub.messages)}`);
        assert.equal(shown.uri.scheme, PROOF_SCHEME);
        assert.match(shown.getText(), /; tensorlift-certificate/);
    });

    it('re-checks the proof with the solver', async () => {
        stub.messages.length = 0;
        stub.activeTextEditor = stub.editor(document, 5, 8);
        await stub.commands.get(CLIENT_COMMANDS.recheckProof)?.();
        assert.equal(stub.messages.length, 1);
        assert.equal(stub.messages[0]?.level, 'info', JSON.stringify(stub.messages));
    });

    it('lifts every loop of the file through workspace/applyEdit and reports the summary', async () => {
        stub.messages.length = 0;
        const editsBefore = stub.appliedEdits.length;
        stub.activeTextEditor = stub.editor(document, 0, 0);
        await stub.commands.get(CLIENT_COMMANDS.liftAllInFile)?.();
        assert.equal(stub.appliedEdits.length, editsBefore + 1, JSON.stringify(stub.messages));
        assert.equal(stub.messages[0]?.level, 'info');
        assert.match(stub.messages[0]?.message ?? '', /^tensorlift: \S/, 'the summary from the server is shown');
    });
});
