/**
 * The real vscode-languageclient (under the `vscode` stub) against a small real server process
 * (test/fakeServer.ts): what the server receives is what tensorlift's server will receive.
 */

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import * as vscodeApi from 'vscode';

import { createLanguageClient } from '../src/client';
import { SERVER_COMMANDS } from '../src/commands';
import type { ManagedClient } from '../src/controller';
import { toServerOptions } from '../src/settings';
import { until, vscodeStub } from './helpers';

const stub = vscodeStub();

interface ServerLog {
    initializationOptions?: unknown;
    configuration?: unknown[];
    didChangeConfiguration: { tensorlift?: { budget?: number } }[];
    commands: { command: string; arguments: unknown }[];
    codeActions: {
        textDocument: { uri: string };
        range: unknown;
        context: { diagnostics: { source?: string; message: string; range: unknown }[]; only?: string[]; triggerKind?: number };
    }[];
    resolved: unknown[];
}

const SETTINGS: Record<string, unknown> = {
    'tensorlift.targets': ['jax', 'torch'],
    'tensorlift.budget': 3,
    'tensorlift.llm.model': 'qwen',
    'tensorlift.llm.apiKeyEnv': 'MY_KEY',
    'tensorlift.trace.server': 'off',
};

function settingsReader() {
    return { get: <T>(key: string) => stub.settings.get(`tensorlift.${key}`) as T | undefined };
}

describe('the language client against a real server process', () => {
    let client: ManagedClient;
    const progress: { token: string | number; value: unknown }[] = [];
    const ownHandlers = { showProof: () => 'ours', recheckProof: () => 'ours' };

    async function serverLog(): Promise<ServerLog> {
        return (await client.executeCommand('fake.log', [])) as ServerLog;
    }

    /** Ask the server for its log until `predicate` holds (server → client traffic is asynchronous). */
    async function serverLogWhen(predicate: (log: ServerLog) => boolean): Promise<ServerLog> {
        let log = await serverLog();
        for (let i = 0; i < 250 && !predicate(log); i++) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            log = await serverLog();
        }
        return log;
    }

    before(async () => {
        stub.reset();
        for (const [key, value] of Object.entries(SETTINGS)) {
            stub.settings.set(key, value);
        }
        // The extension registers these before the client starts; the client must not register them again
        // (VS Code, and the stub, refuse a second registration).
        stub.commands.set('tensorlift.showProof', ownHandlers.showProof);
        stub.commands.set('tensorlift.recheckProof', ownHandlers.recheckProof);
        const channel = vscodeApi.window.createOutputChannel('tensorlift test', { log: true });
        client = createLanguageClient(
            { command: process.execPath, args: [path.join(__dirname, 'fakeServer.js')], source: 'tensorlift.path' },
            { outputChannel: channel, onProgress: (token, value) => progress.push({ token, value }) },
        );
        await client.start();
    });

    after(async () => {
        await client.stop();
    });

    it('starts without clashing with the commands of the extension', () => {
        assert.equal(stub.commands.get('tensorlift.showProof'), ownHandlers.showProof);
        assert.equal(stub.commands.get('tensorlift.recheckProof'), ownHandlers.recheckProof);
        // Server commands that are not the extension's are still registered for code actions to use.
        assert.ok(stub.commands.has('tensorlift.liftAll'));
    });

    it('sends the mapped settings as initializationOptions', async () => {
        const log = await serverLog();
        assert.deepEqual(log.initializationOptions, {
            targets: ['jax', 'torch'],
            budget: 3,
            proofMode: 'inductive',
            bound: 4,
            intModel: 'ideal',
            floatModel: 'real',
            severity: 'hint',
            llm: { baseUrl: null, model: 'qwen', apiKeyEnv: 'MY_KEY' },
            rulePaths: [],
        });
    });

    it('answers workspace/configuration for tensorlift with the same shape, and other sections as usual', async () => {
        const log = await serverLogWhen((l) => l.configuration !== undefined);
        const expected = toServerOptions(settingsReader());
        assert.deepEqual(log.configuration, [expected, expected.llm, null]);
    });

    it('pushes the mapped settings on workspace/didChangeConfiguration', async () => {
        stub.changeSettings({ 'tensorlift.budget': 7 });
        const log = await serverLogWhen((l) => l.didChangeConfiguration.some((s) => s.tensorlift?.budget === 7));
        const pushed = log.didChangeConfiguration.find((s) => s.tensorlift?.budget === 7);
        assert.deepEqual(pushed, { tensorlift: toServerOptions(settingsReader()) });
    });

    it('executes server commands with the given arguments and returns the answer', async () => {
        const uri = 'file:///w/kernel.c';
        const answer = await client.executeCommand(SERVER_COMMANDS.showProof, [uri, { line: 2, character: 5 }]);
        assert.deepEqual(answer, { certificate: '(check-sat)', status: 'proved' });
        const log = await serverLog();
        assert.deepEqual(log.commands.find((c) => c.command === SERVER_COMMANDS.showProof)?.arguments, [uri, { line: 2, character: 5 }]);
    });

    it('asks for quick fixes with the diagnostics, then resolves and applies the chosen one', async () => {
        const uri = vscodeApi.Uri.file('/w/kernel.c');
        const document = stub.document(uri, 'c', 'for (...) {}\n') as unknown as vscodeApi.TextDocument;
        const diagnostic = new vscodeApi.Diagnostic(new vscodeApi.Range(1, 0, 3, 1), 'liftable: matmul', vscodeApi.DiagnosticSeverity.Hint);
        diagnostic.source = 'tensorlift';
        diagnostic.code = 'liftable';

        const actions = await client.codeActions(document, new vscodeApi.Range(2, 4, 2, 4), [diagnostic]);
        assert.deepEqual(
            actions.map((a) => a.title),
            ['Lift to numpy (proved)'],
            'bare Command results are dropped',
        );

        let log = await serverLog();
        const request = log.codeActions.at(-1);
        assert.equal(request?.textDocument.uri, 'file:///w/kernel.c');
        assert.deepEqual(request?.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 4 } });
        assert.deepEqual(request?.context.only, ['quickfix']);
        assert.equal(request?.context.triggerKind, 1);
        assert.equal(request?.context.diagnostics.length, 1);
        assert.equal(request?.context.diagnostics[0]?.source, 'tensorlift');
        assert.equal(request?.context.diagnostics[0]?.message, 'liftable: matmul');

        const [lift] = actions;
        assert.ok(lift);
        assert.equal(await client.applyCodeAction(lift), true);
        log = await serverLog();
        assert.deepEqual(log.resolved, [{ uri: 'file:///w/kernel.c', unit: 0 }]);
        const applied = stub.appliedEdits.at(-1) as { operations: { op: string; uri: string; edits?: { newText: string; range: { start: { line: number } } }[] }[] };
        assert.deepEqual(
            applied.operations.map((o) => [o.op, o.uri]),
            [
                ['edit', 'file:///w/kernel.c'],
                ['createFile', 'file:///w/kernel.c.proof.smt2'],
            ],
        );
        assert.equal(applied.operations[0]?.edits?.[0]?.newText, 'C = A @ B');
        assert.equal(applied.operations[0]?.edits?.[0]?.range.start.line, 1);
    });

    it('reports work-done progress of the server to the status bar', async () => {
        await client.executeCommand('fake.progress', []);
        await until(() => progress.length >= 2, 'progress begin and end');
        assert.deepEqual(
            progress.map((p) => [p.token, (p.value as { kind: string }).kind]),
            [
                ['lift-1', 'begin'],
                ['lift-1', 'end'],
            ],
        );
    });
});
