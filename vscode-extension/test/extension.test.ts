/**
 * `activate` under the `vscode` stub, with a fake language client (the discovery runs real processes).
 * Covers: command registration against package.json, the server commands' arguments, the proof document,
 * lift at cursor, the install offer, restarts on settings changes, and the status bar.
 */

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';

import * as vscode from 'vscode';

import { CLIENT_COMMANDS, type LiftAction, SERVER_COMMANDS } from '../src/commands';
import type { ClientEnvironment, ManagedClient, ManagedState } from '../src/controller';
import { activate, deactivate, type TensorliftExtension } from '../src/extension';
import { PROOF_SCHEME } from '../src/proofDocuments';
import type { ServerCommand } from '../src/serverDiscovery';
import { goodPython, goodTensorlift, PACKAGE_JSON, script, tempDir, until, vscodeStub } from './helpers';

const stub = vscodeStub();

const manifest = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as {
    activationEvents: string[];
    main: string;
    engines: { vscode: string };
    devDependencies: Record<string, string>;
    capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations: string[] } };
    contributes: { commands: { command: string; title: string; category: string }[] };
};

/** A language client that records what it is asked. */
class FakeClient implements ManagedClient {
    started = 0;
    stopped = 0;
    commands: { command: string; args: unknown[] }[] = [];
    codeActionCalls: { uri: string; range: vscode.Range; diagnostics: readonly vscode.Diagnostic[] }[] = [];
    applied: LiftAction[] = [];
    answers = new Map<string, unknown>();
    actions: LiftAction[] = [];
    private stateListeners: ((state: ManagedState) => void)[] = [];

    constructor(
        readonly server: ServerCommand,
        readonly env: ClientEnvironment,
    ) {}

    start(): Promise<void> {
        this.started++;
        return Promise.resolve();
    }
    stop(): Promise<void> {
        this.stopped++;
        return Promise.resolve();
    }
    dispose(): void {}
    onDidChangeState(listener: (state: ManagedState) => void): vscode.Disposable {
        this.stateListeners.push(listener);
        return new vscode.Disposable(() => undefined);
    }
    fireState(state: ManagedState): void {
        this.stateListeners.forEach((listener) => listener(state));
    }
    executeCommand(command: string, args: unknown[]): Promise<unknown> {
        this.commands.push({ command, args });
        return Promise.resolve(this.answers.get(command));
    }
    codeActions(document: vscode.TextDocument, range: vscode.Range, diagnostics: readonly vscode.Diagnostic[]): Promise<LiftAction[]> {
        this.codeActionCalls.push({ uri: document.uri.toString(), range, diagnostics });
        return Promise.resolve(this.actions);
    }
    applyCodeAction(action: LiftAction): Promise<boolean> {
        this.applied.push(action);
        return Promise.resolve(true);
    }
}

interface Harness {
    extension: TensorliftExtension;
    clients: FakeClient[];
    context: { subscriptions: { dispose(): unknown }[] };
}

function start(activeInterpreter: () => Promise<string | undefined> = () => Promise.resolve(undefined)): Harness {
    const clients: FakeClient[] = [];
    const context = { subscriptions: [] as { dispose(): unknown }[] };
    const extension = activate(context as unknown as vscode.ExtensionContext, {
        createClient: (server, env) => {
            const client = new FakeClient(server, env);
            clients.push(client);
            return client;
        },
        activeInterpreter,
        checkTimeoutMs: 5000,
    });
    return { extension, clients, context };
}

function lastClient(h: Harness): FakeClient {
    const client = h.clients.at(-1);
    assert.ok(client, 'a language client was created');
    return client;
}

function run(command: string, ...args: unknown[]): Promise<unknown> {
    const handler = stub.commands.get(command);
    assert.ok(handler, `${command} is registered`);
    return Promise.resolve(handler(...args));
}

function statusText(): string {
    const item = stub.statusItems[0];
    assert.ok(item, 'a status-bar item exists');
    return item.text;
}

const SOURCE = vscode.Uri.file('/work/project/src/kernel.c');

let savedPath: string | undefined;
let harness: Harness | undefined;

beforeEach(() => {
    stub.reset();
    savedPath = process.env.PATH;
    // Never find the machine's own tensorlift by accident.
    process.env.PATH = tempDir('tensorlift-empty-path-');
});

afterEach(async () => {
    if (harness) {
        await deactivate();
        harness.context.subscriptions.forEach((d) => d.dispose());
        harness = undefined;
    }
    process.env.PATH = savedPath;
});

async function startedWithTensorlift(): Promise<{ h: Harness; client: FakeClient; exe: string }> {
    const exe = goodTensorlift(tempDir());
    stub.settings.set('tensorlift.path', exe);
    const h = start();
    harness = h;
    await h.extension.started;
    return { h, client: lastClient(h), exe };
}

describe('package.json', () => {
    it('activates on C, C++ and Python and points at the bundle', () => {
        assert.deepEqual([...manifest.activationEvents].sort(), ['onLanguage:c', 'onLanguage:cpp', 'onLanguage:python']);
        assert.equal(manifest.main, './dist/extension.js');
    });

    it('pins @types/vscode to the engine', () => {
        const engine = manifest.engines.vscode.replace(/^\^/, '');
        assert.equal(manifest.devDependencies['@types/vscode']?.replace(/^[~^]/, ''), engine);
    });

    it('ignores workspace values of the settings that pick the program or the endpoint in untrusted workspaces', () => {
        const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
        for (const key of ['tensorlift.path', 'tensorlift.interpreter', 'tensorlift.llm.baseUrl', 'tensorlift.llm.apiKeyEnv']) {
            assert.ok(restricted.includes(key), key);
        }
    });

    it('gives every command a title in the tensorlift category', () => {
        for (const command of manifest.contributes.commands) {
            assert.equal(command.category, 'tensorlift', command.command);
            assert.ok(command.title.length > 0, command.command);
        }
    });
});

describe('activate', () => {
    it('registers exactly the commands contributed in package.json', async () => {
        const { h } = await startedWithTensorlift();
        assert.ok(h);
        const contributed = manifest.contributes.commands.map((c) => c.command).sort();
        const registered = [...stub.commands.keys()].sort();
        assert.deepEqual(registered, contributed);
        assert.deepEqual(Object.values(CLIENT_COMMANDS).sort(), contributed);
    });

    it('registers the proof content provider on the tensorlift-proof scheme', async () => {
        await startedWithTensorlift();
        assert.ok(stub.contentProviders.has(PROOF_SCHEME));
    });

    it('starts the server that discovery found, and shows it ready', async () => {
        const { client, exe } = await startedWithTensorlift();
        assert.deepEqual(client.server, { command: exe, args: ['serve'], source: 'tensorlift.path' });
        assert.equal(client.started, 1);
        assert.equal(statusText(), '$(check) tensorlift');
    });

    it("uses the Python extension's interpreter when no setting is given", async () => {
        const python = goodPython(tempDir());
        harness = start(() => Promise.resolve(python));
        await harness.extension.started;
        assert.deepEqual(lastClient(harness).server, { command: python, args: ['-m', 'tensorlift', 'serve'], source: 'python-extension', python });
    });
});

describe('server commands', () => {
    it('tensorlift.liftAllInFile executes tensorlift.liftAll with [uri]', async () => {
        const { client } = await startedWithTensorlift();
        stub.activeTextEditor = stub.editor(stub.document(SOURCE, 'c'), 3, 4);
        await run(CLIENT_COMMANDS.liftAllInFile);
        assert.deepEqual(client.commands, [{ command: SERVER_COMMANDS.liftAll, args: [SOURCE.toString()] }]);
    });

    it('tensorlift.liftAllInFile takes a uri argument (explorer, code lens)', async () => {
        const { client } = await startedWithTensorlift();
        const other = vscode.Uri.file('/work/project/other.py');
        await run(CLIENT_COMMANDS.liftAllInFile, other);
        assert.deepEqual(client.commands, [{ command: SERVER_COMMANDS.liftAll, args: ['file:///work/project/other.py'] }]);
    });

    it('tensorlift.showProof executes tensorlift.showProof with [uri, {line, character}] and opens the certificate', async () => {
        const { client } = await startedWithTensorlift();
        stub.languages.push('smt2');
        client.answers.set(SERVER_COMMANDS.showProof, { certificate: '(assert (not (= a b)))\n(check-sat)\n', status: 'proved' });
        stub.activeTextEditor = stub.editor(stub.document(SOURCE, 'c'), 11, 8);
        await run(CLIENT_COMMANDS.showProof);

        assert.deepEqual(client.commands, [{ command: SERVER_COMMANDS.showProof, args: [SOURCE.toString(), { line: 11, character: 8 }] }]);
        const shown = stub.shownDocuments[0]?.document;
        assert.ok(shown, 'a document was shown');
        assert.equal(shown.uri.scheme, PROOF_SCHEME);
        assert.equal(shown.languageId, 'smt2');
        const text = shown.getText();
        assert.match(text, /^; tensorlift proof certificate\n; source: file:\/\/\/work\/project\/src\/kernel\.c:12:9\n; status: proved\n/);
        assert.match(text, /\(assert \(not \(= a b\)\)\)\n\(check-sat\)\n$/);
        // The provider serves the same text when VS Code asks again.
        assert.equal(stub.contentProviders.get(PROOF_SCHEME)?.provideTextDocumentContent(shown.uri), text);
    });

    it('tensorlift.showProof opens plain text when no SMT-LIB language is installed, and says when there is no proof', async () => {
        const { client } = await startedWithTensorlift();
        client.answers.set(SERVER_COMMANDS.showProof, { certificate: '(check-sat)', status: 'bounded' });
        stub.activeTextEditor = stub.editor(stub.document(SOURCE, 'c'), 0, 0);
        await run(CLIENT_COMMANDS.showProof);
        assert.equal(stub.shownDocuments[0]?.document.languageId, 'plaintext');

        client.answers.set(SERVER_COMMANDS.showProof, null);
        await run(CLIENT_COMMANDS.showProof);
        assert.equal(stub.shownDocuments.length, 1);
        assert.match(stub.messages.at(-1)?.message ?? '', /no proof/);
    });

    it('tensorlift.recheckProof executes tensorlift.recheckProof with [uri, {line, character}] and reports the answer', async () => {
        const { client } = await startedWithTensorlift();
        stub.activeTextEditor = stub.editor(stub.document(SOURCE, 'c'), 5, 2);
        client.answers.set(SERVER_COMMANDS.recheckProof, { ok: true, message: 'proof re-checked: unsat' });
        await run(CLIENT_COMMANDS.recheckProof);
        client.answers.set(SERVER_COMMANDS.recheckProof, { ok: false, message: 'the source changed since the proof' });
        await run(CLIENT_COMMANDS.recheckProof);

        assert.deepEqual(client.commands, [
            { command: SERVER_COMMANDS.recheckProof, args: [SOURCE.toString(), { line: 5, character: 2 }] },
            { command: SERVER_COMMANDS.recheckProof, args: [SOURCE.toString(), { line: 5, character: 2 }] },
        ]);
        assert.deepEqual(
            stub.messages.map((m) => [m.level, m.message]),
            [
                ['info', 'tensorlift: proof re-checked: unsat'],
                ['error', 'tensorlift: the source changed since the proof'],
            ],
        );
    });

    it('complain instead of calling a server that is not running', async () => {
        const { client } = await startedWithTensorlift();
        client.fireState('stopped');
        assert.equal(statusText(), '$(error) tensorlift');
        stub.activeTextEditor = stub.editor(stub.document(SOURCE, 'c'), 0, 0);
        await run(CLIENT_COMMANDS.recheckProof);
        assert.deepEqual(client.commands, []);
        assert.match(stub.messages.at(-1)?.message ?? '', /not running/);
    });
});

describe('tensorlift.liftAtCursor', () => {
    function diagnostic(line: number, endLine: number, source: string): vscode.Diagnostic {
        const d = new vscode.Diagnostic(new vscode.Range(line, 0, endLine, 1), 'liftable loop', vscode.DiagnosticSeverity.Hint);
        d.source = source;
        return d;
    }

    it('asks for quick fixes with the tensorlift diagnostics at the cursor, and lets the user pick a target', async () => {
        const { client } = await startedWithTensorlift();
        const here = diagnostic(2, 6, 'tensorlift');
        stub.diagnostics.set(SOURCE.toString(), [here, diagnostic(2, 6, 'clangd'), diagnostic(10, 12, 'tensorlift')]);
        stub.activeTextEditor = stub.editor(stub.document(SOURCE, 'c'), 4, 3);
        const numpy = { title: 'Lift to numpy (proved)', kind: 'quickfix', diagnostics: [{ source: 'tensorlift' }] };
        const torch = { title: 'Lift to torch (proved)', kind: 'quickfix', isPreferred: true, diagnostics: [{ source: 'tensorlift' }] };
        const refactor = { title: 'Extract function', kind: 'refactor.extract' };
        const foreign = { title: 'Fix by clangd', kind: 'quickfix', diagnostics: [{ source: 'clangd' }] };
        client.actions = [refactor, numpy, foreign, torch];
        stub.answerQuickPick = (items) => items.find((item) => item.label.includes('numpy'));

        await run(CLIENT_COMMANDS.liftAtCursor);

        assert.equal(client.codeActionCalls.length, 1);
        const call = client.codeActionCalls[0];
        assert.equal(call?.uri, SOURCE.toString());
        assert.deepEqual([call?.range.start.line, call?.range.start.character], [4, 3]);
        assert.deepEqual(call?.diagnostics, [here]);
        assert.deepEqual(
            stub.quickPicks[0]?.items.map((item) => item.label),
            ['Lift to torch (proved)', 'Lift to numpy (proved)'],
        );
        assert.deepEqual(client.applied, [numpy]);
    });

    it('applies a single quick fix without asking', async () => {
        const { client } = await startedWithTensorlift();
        stub.activeTextEditor = stub.editor(stub.document(SOURCE, 'c'), 0, 0);
        const only = { title: 'Lift to numpy (bounded)', kind: 'quickfix' };
        client.actions = [only];
        await run(CLIENT_COMMANDS.liftAtCursor);
        assert.equal(stub.quickPicks.length, 0);
        assert.deepEqual(client.applied, [only]);
    });

    it('says so when there is nothing to lift', async () => {
        const { client } = await startedWithTensorlift();
        stub.activeTextEditor = stub.editor(stub.document(SOURCE, 'c'), 0, 0);
        client.actions = [{ title: 'Extract function', kind: 'refactor.extract' }];
        await run(CLIENT_COMMANDS.liftAtCursor);
        assert.deepEqual(client.applied, []);
        assert.match(stub.messages.at(-1)?.message ?? '', /no liftable loop/);
    });
});

describe('when tensorlift is missing', () => {
    it('offers "Install tensorlift", installs with pip -e into the interpreter in development mode, then starts', async () => {
        const dir = tempDir();
        const marker = path.join(dir, 'installed');
        const argsLog = path.join(dir, 'pip-args');
        // A Python that "has" tensorlift only after `-m pip install ...` ran (real processes, builtins only).
        const python = script(
            dir,
            'python',
            [
                `if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "$@" > '${argsLog}'; : > '${marker}'; echo "Successfully installed tensorlift"; exit 0; fi`,
                `if [ "$1" = "-c" ] && [ "$2" = "import tensorlift" ] && [ -e '${marker}' ]; then exit 0; fi`,
                'exit 1',
            ].join('\n'),
        );
        const checkout = tempDir();
        writeFileSync(path.join(checkout, 'pyproject.toml'), '[project]\nname = "tensorlift"\n');
        stub.workspaceFolders = [{ uri: vscode.Uri.file(checkout), name: 'tensorlift', index: 0 }];
        stub.settings.set('tensorlift.interpreter', python);
        stub.answerMessage = (message) => (message.items.includes('Install tensorlift') ? 'Install tensorlift' : undefined);

        harness = start();
        await harness.extension.started;
        const h = harness;
        await until(() => h.clients.length === 1, 'the server to start after the install');

        const offer = stub.messages.find((m) => m.level === 'error' && /not found/.test(m.message));
        assert.ok(offer, 'the user was told tensorlift is missing');
        assert.deepEqual(offer.items, ['Install tensorlift', 'Show Output', 'Open Settings']);
        assert.equal(readFileSync(argsLog, 'utf8').trim(), `-m pip install -e ${checkout}`);
        assert.match(stub.outputChannels[0]?.text ?? '', /Successfully installed tensorlift/);
        assert.deepEqual(lastClient(h).server, { command: python, args: ['-m', 'tensorlift', 'serve'], source: 'tensorlift.interpreter', python });
        await until(() => statusText() === '$(check) tensorlift', 'the status to show ready');
    });

    it('shows the error state and does nothing more when the user declines', async () => {
        harness = start();
        await harness.extension.started;
        assert.equal(harness.clients.length, 0);
        assert.equal(statusText(), '$(error) tensorlift');
        assert.equal(harness.extension.controller.serverState, 'error');
        assert.match(stub.outputChannels[0]?.text ?? '', /PATH \(tensorlift\): not found on PATH/);
    });
});

describe('when the server fails to start', () => {
    it('shows the error state and the reason', async () => {
        stub.settings.set('tensorlift.path', goodTensorlift(tempDir()));
        const context = { subscriptions: [] as { dispose(): unknown }[] };
        const extension = activate(context as unknown as vscode.ExtensionContext, {
            createClient: (server, env) => {
                const client = new FakeClient(server, env);
                client.start = () => Promise.reject(new Error('initialize failed: boom'));
                return client;
            },
            activeInterpreter: () => Promise.resolve(undefined),
        });
        harness = { extension, clients: [], context };
        await extension.started;
        assert.equal(extension.controller.serverState, 'error');
        assert.equal(statusText(), '$(error) tensorlift');
        assert.match(stub.messages.at(-1)?.message ?? '', /failed to start: initialize failed: boom/);
        assert.equal(extension.controller.server(), undefined);
    });
});

describe('settings changes', () => {
    it('restart the server when tensorlift.path changes', async () => {
        const { h, client } = await startedWithTensorlift();
        const other = goodTensorlift(tempDir(), 'tensorlift-2');
        stub.changeSettings({ 'tensorlift.path': other });
        await until(() => h.clients.length === 2 && lastClient(h).started === 1, 'a second server');
        assert.equal(client.stopped, 1);
        assert.equal(lastClient(h).server.command, other);
    });

    it('restart the server when tensorlift.interpreter changes', async () => {
        const { h, client } = await startedWithTensorlift();
        stub.changeSettings({ 'tensorlift.interpreter': '/usr/bin/python3' });
        await until(() => h.clients.length === 2, 'a second server');
        assert.equal(client.stopped, 1);
    });

    it('do not restart it for other settings (those go through didChangeConfiguration)', async () => {
        const { h, client } = await startedWithTensorlift();
        stub.changeSettings({ 'tensorlift.budget': 30, 'tensorlift.targets': ['jax'] });
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(h.clients.length, 1);
        assert.equal(client.stopped, 0);
    });
});

describe('status bar', () => {
    it('shows lifting while work-done progress is active', async () => {
        const { client } = await startedWithTensorlift();
        client.env.onProgress('lift-1', { kind: 'begin', title: 'Lifting' });
        assert.equal(statusText(), '$(sync~spin) tensorlift: lifting');
        client.env.onProgress('lift-1', { kind: 'report', message: 'proving' });
        assert.equal(statusText(), '$(sync~spin) tensorlift: lifting');
        client.env.onProgress('lift-1', { kind: 'end' });
        assert.equal(statusText(), '$(check) tensorlift');
    });

    it('opens the output when clicked', async () => {
        await startedWithTensorlift();
        assert.equal(stub.statusItems[0]?.command, CLIENT_COMMANDS.showOutput);
        await run(CLIENT_COMMANDS.showOutput);
        assert.ok((stub.outputChannels[0]?.shown ?? 0) > 0);
    });
});
