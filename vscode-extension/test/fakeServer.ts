/**
 * A minimal language server for the client tests, speaking LSP over stdio with vscode-jsonrpc. It advertises
 * the tensorlift commands, asks for the configuration, reports work-done progress, and tells the test what it
 * received through the command `fake.log`.
 */

import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

// Like `tensorlift serve`, take no arguments (the client must not add `--stdio`).
if (process.argv.length > 2) {
    process.stderr.write(`fake server: unrecognized arguments: ${process.argv.slice(2).join(' ')}\n`);
    process.exit(2);
}

const connection = createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));

const log: {
    initializationOptions?: unknown;
    clientCapabilities?: unknown;
    configuration?: unknown;
    didChangeConfiguration: unknown[];
    commands: { command: string; arguments: unknown }[];
    codeActions: unknown[];
    resolved: unknown[];
} = { didChangeConfiguration: [], commands: [], codeActions: [], resolved: [] };

connection.onRequest('initialize', (params: { initializationOptions?: unknown; capabilities?: unknown }) => {
    log.initializationOptions = params.initializationOptions;
    log.clientCapabilities = params.capabilities;
    return {
        capabilities: {
            textDocumentSync: 1,
            hoverProvider: true,
            codeActionProvider: { codeActionKinds: ['quickfix'], resolveProvider: true },
            executeCommandProvider: {
                commands: ['tensorlift.liftAll', 'tensorlift.showProof', 'tensorlift.recheckProof', 'fake.log', 'fake.progress'],
            },
        },
        serverInfo: { name: 'fake-tensorlift', version: '0.0.0' },
    };
});

connection.onNotification('initialized', () => {
    void connection
        .sendRequest('workspace/configuration', { items: [{ section: 'tensorlift' }, { section: 'tensorlift.llm' }, { section: 'editor.tabSize' }] })
        .then((answer) => {
            log.configuration = answer;
        });
});

connection.onNotification('workspace/didChangeConfiguration', (params: { settings: unknown }) => {
    log.didChangeConfiguration.push(params.settings);
});

connection.onRequest('workspace/executeCommand', async (params: { command: string; arguments?: unknown[] }) => {
    log.commands.push({ command: params.command, arguments: params.arguments });
    switch (params.command) {
        case 'fake.log':
            return log;
        case 'fake.progress': {
            const token = 'lift-1';
            await connection.sendRequest('window/workDoneProgress/create', { token });
            await connection.sendNotification('$/progress', { token, value: { kind: 'begin', title: 'Lifting' } });
            await connection.sendNotification('$/progress', { token, value: { kind: 'end' } });
            return null;
        }
        case 'tensorlift.showProof':
            return { certificate: '(check-sat)', status: 'proved' };
        default:
            return null;
    }
});

interface CodeActionParams {
    textDocument: { uri: string };
    range: unknown;
    context: { diagnostics: unknown[]; only?: string[] };
}

connection.onRequest('textDocument/codeAction', (params: CodeActionParams) => {
    log.codeActions.push(params);
    return [
        { title: 'Lift to numpy (proved)', kind: 'quickfix', diagnostics: params.context.diagnostics, data: { uri: params.textDocument.uri, unit: 0 } },
        { title: 'Show lifting options', command: 'tensorlift.liftAll', arguments: [params.textDocument.uri] },
    ];
});

connection.onRequest('codeAction/resolve', (action: { data: { uri: string } }) => {
    log.resolved.push(action.data);
    return {
        ...action,
        edit: {
            documentChanges: [
                {
                    textDocument: { uri: action.data.uri, version: null },
                    edits: [{ range: { start: { line: 1, character: 0 }, end: { line: 3, character: 1 } }, newText: 'C = A @ B' }],
                },
                { kind: 'create', uri: action.data.uri + '.proof.smt2', options: { ignoreIfExists: true } },
            ],
        },
    };
});

connection.onRequest('shutdown', () => null);
connection.onNotification('exit', () => process.exit(0));
connection.listen();
