/** Entry point: `activate` wires the status bar, the proof documents, the commands and the server. */

import * as vscode from 'vscode';

import { CLIENT_COMMANDS, registerCommands } from './commands';
import { type ClientFactory, ServerController } from './controller';
import { PROOF_SCHEME, ProofDocuments } from './proofDocuments';
import * as python from './pythonExtension';
import { needsRestart, SECTION } from './settings';

/** What `activate` needs from the outside; tests replace the language client and the Python extension. */
export interface ActivationOverrides {
    readonly createClient?: ClientFactory;
    readonly activeInterpreter?: () => Promise<string | undefined>;
    readonly checkTimeoutMs?: number;
}

/** Returned by `activate` (the extension's API): the controller, and a promise of the first start. */
export interface TensorliftExtension {
    readonly controller: ServerController;
    readonly started: Promise<void>;
}

let active: TensorliftExtension | undefined;

export function activate(context: vscode.ExtensionContext, overrides: ActivationOverrides = {}): TensorliftExtension {
    const output = vscode.window.createOutputChannel('tensorlift', { log: true });
    const statusItem = vscode.window.createStatusBarItem('tensorlift.status', vscode.StatusBarAlignment.Right, 100);
    statusItem.name = 'tensorlift';
    statusItem.command = CLIENT_COMMANDS.showOutput;

    const createClient: ClientFactory =
        overrides.createClient ??
        ((server, env) => {
            // Loaded here so that tests of `activate` need no language client; esbuild bundles it all the same.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const { createLanguageClient } = require('./client') as typeof import('./client');
            return createLanguageClient(server, env);
        });
    const activeInterpreter = overrides.activeInterpreter ?? python.activeInterpreter;

    const controller = new ServerController({
        createClient,
        activeInterpreter,
        output,
        statusItem,
        checkTimeoutMs: overrides.checkTimeoutMs,
    });
    const proofs = new ProofDocuments();

    context.subscriptions.push(
        output,
        statusItem,
        controller,
        proofs,
        vscode.workspace.registerTextDocumentContentProvider(PROOF_SCHEME, proofs),
        ...registerCommands({
            server: () => controller.server(),
            restartServer: () => controller.restart(),
            showOutput: () => output.show(true),
            proofs,
        }),
        vscode.workspace.onDidChangeConfiguration((event) => {
            // Other `tensorlift.*` changes reach the running server through workspace/didChangeConfiguration.
            if (event.affectsConfiguration(SECTION) && needsRestart((key) => event.affectsConfiguration(key))) {
                void controller.restart();
            }
        }),
    );

    if (overrides.activeInterpreter === undefined) {
        void python
            .onDidChangeActiveInterpreter(() => {
                const config = vscode.workspace.getConfiguration(SECTION);
                if (!config.get<string>('path') && !config.get<string>('interpreter')) {
                    void controller.restart();
                }
            })
            .then((subscription) => subscription && context.subscriptions.push(subscription))
            .catch(() => undefined);
    }

    const started = controller.start();
    active = { controller, started };
    return active;
}

export async function deactivate(): Promise<void> {
    const current = active;
    active = undefined;
    await current?.controller.stop();
}
