/** Owns the language-server process: find it, start it, restart it, offer to install it. */

import * as vscode from 'vscode';

import type { ServerApi } from './commands';
import {
    defaultPython,
    describeRejections,
    discoverServer,
    type DiscoveryResult,
    expandVariables,
    installPlan,
    runStreaming,
    type ServerCommand,
} from './serverDiscovery';
import { SECTION } from './settings';
import { presentStatus, ProgressTracker, type ServerState } from './status';

export type ManagedState = 'starting' | 'ready' | 'stopped';

/** A language client for one server process. */
export interface ManagedClient extends ServerApi, vscode.Disposable {
    start(): Promise<void>;
    stop(): Promise<void>;
    onDidChangeState(listener: (state: ManagedState) => void): vscode.Disposable;
}

export interface ClientEnvironment {
    readonly outputChannel: vscode.LogOutputChannel;
    /** Called with every `$/progress` work-done value (`{kind: 'begin' | 'report' | 'end', ...}`). */
    readonly onProgress: (token: string | number, value: unknown) => void;
}

export type ClientFactory = (server: ServerCommand, env: ClientEnvironment) => ManagedClient;

export interface ControllerDeps {
    readonly createClient: ClientFactory;
    readonly activeInterpreter: () => Promise<string | undefined>;
    readonly output: vscode.LogOutputChannel;
    readonly statusItem: vscode.StatusBarItem;
    /** Per-candidate check timeout in ms. */
    readonly checkTimeoutMs?: number;
}

export const INSTALL_ACTION = 'Install tensorlift';

export class ServerController implements vscode.Disposable {
    private client: ManagedClient | undefined;
    private clientSubscriptions: vscode.Disposable[] = [];
    private generation = 0;
    private state: ServerState = 'stopped';
    private detail = '';
    private readonly progress: ProgressTracker;
    /** The command line of the running server, for the tooltip and tests. */
    current: ServerCommand | undefined;
    /** The last discovery, kept for the tooltip, the output and tests. */
    lastDiscovery: DiscoveryResult | undefined;
    /** The Python that `install()` put tensorlift into; tried in place of the Python extension's when that has none. */
    installedInto: string | undefined;

    constructor(private readonly deps: ControllerDeps) {
        this.progress = new ProgressTracker(() => this.render());
        this.render();
    }

    get serverState(): ServerState {
        return this.state;
    }

    /** The running server, or undefined when it is not ready. */
    server(): ServerApi | undefined {
        return this.state === 'ready' ? this.client : undefined;
    }

    private setState(state: ServerState, detail = ''): void {
        this.state = state;
        this.detail = detail;
        this.render();
    }

    private render(): void {
        const item = this.deps.statusItem;
        const view = presentStatus(this.state, this.progress.count, this.detail);
        item.text = view.text;
        item.tooltip = view.tooltip;
        item.backgroundColor = view.isError ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
        item.show();
    }

    private log(line: string): void {
        this.deps.output.appendLine(line);
    }

    private workspaceFolders(): string[] {
        return (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    }

    private setting(key: 'path' | 'interpreter'): string | undefined {
        const value = vscode.workspace.getConfiguration(SECTION).get<string>(key);
        if (!value || value.trim() === '') {
            return undefined;
        }
        return expandVariables(value.trim(), { workspaceFolder: this.workspaceFolders()[0] });
    }

    /** Find the server and start it. Resolves when it runs, or when it could not be started (state 'error'). */
    async start(): Promise<void> {
        const generation = ++this.generation;
        this.setState('starting');
        const discovery = await discoverServer({
            tensorliftPath: this.setting('path'),
            interpreter: this.setting('interpreter'),
            activeInterpreter: async () => (await this.deps.activeInterpreter()) ?? this.installedInto,
            timeoutMs: this.deps.checkTimeoutMs,
        });
        if (generation !== this.generation) {
            return; // a restart or stop came in meanwhile
        }
        this.lastDiscovery = discovery;
        if (discovery.rejected.length > 0) {
            this.log(`Candidates for the tensorlift server that did not work:\n${describeRejections(discovery.rejected)}`);
        }
        const server = discovery.found;
        if (server === undefined) {
            this.setState('error', 'tensorlift was not found');
            void this.offerInstall();
            return;
        }
        const explicit = discovery.rejected.filter((r) => r.source === 'tensorlift.path' || r.source === 'tensorlift.interpreter');
        if (explicit.length > 0) {
            void vscode.window.showWarningMessage(
                `tensorlift: ${explicit.map((r) => `${r.source} (${r.command}) does not work`).join('; ')}; using ${server.command} instead.`,
            );
        }
        const commandLine = [server.command, ...server.args].join(' ');
        this.log(`Starting the tensorlift server (${server.source}): ${commandLine}`);
        let client: ManagedClient;
        try {
            client = this.deps.createClient(server, {
                outputChannel: this.deps.output,
                onProgress: (token, value) => this.progress.update(token, value),
            });
        } catch (error) {
            this.failed(error);
            return;
        }
        this.client = client;
        this.current = server;
        this.clientSubscriptions.push(
            client.onDidChangeState((state) => {
                if (this.client !== client) {
                    return;
                }
                if (state === 'ready') {
                    this.setState('ready', commandLine);
                } else if (state === 'starting') {
                    this.setState('starting', commandLine);
                } else if (this.state !== 'stopped') {
                    this.progress.clear();
                    this.setState('error', 'the server stopped');
                }
            }),
        );
        try {
            await client.start();
            if (this.client === client) {
                this.setState('ready', commandLine);
            }
        } catch (error) {
            if (this.client === client) {
                this.failed(error);
            }
        }
    }

    private failed(error: unknown): void {
        const message = error instanceof Error ? error.message : String(error);
        this.log(`The tensorlift server failed to start: ${message}`);
        this.setState('error', message);
        void vscode.window
            .showErrorMessage(`tensorlift: the language server failed to start: ${message}`, 'Show Output')
            .then((choice) => choice && this.deps.output.show(true));
    }

    async stop(): Promise<void> {
        this.generation++;
        const client = this.client;
        this.client = undefined;
        this.current = undefined;
        for (const subscription of this.clientSubscriptions) {
            subscription.dispose();
        }
        this.clientSubscriptions = [];
        this.progress.clear();
        this.setState('stopped');
        if (client !== undefined) {
            try {
                await client.stop();
            } catch (error) {
                this.log(`Stopping the tensorlift server: ${String(error)}`);
            }
        }
    }

    async restart(): Promise<void> {
        await this.stop();
        await this.start();
    }

    /** Offer `pip install tensorlift` (or `pip install -e <checkout>`), then retry. */
    async offerInstall(): Promise<void> {
        const choice = await vscode.window.showErrorMessage(
            'tensorlift: the language server was not found. Install the tensorlift Python package, or set ' +
                '"tensorlift.path" or "tensorlift.interpreter".',
            INSTALL_ACTION,
            'Show Output',
            'Open Settings',
        );
        if (choice === INSTALL_ACTION) {
            await this.install();
        } else if (choice === 'Show Output') {
            this.deps.output.show(true);
        } else if (choice === 'Open Settings') {
            await vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
        }
    }

    async install(): Promise<boolean> {
        let python = this.setting('interpreter');
        if (python === undefined) {
            try {
                python = await this.deps.activeInterpreter();
            } catch {
                python = undefined;
            }
        }
        python ??= defaultPython();
        if (python === undefined) {
            void vscode.window.showErrorMessage('tensorlift: no Python found to install into; set "tensorlift.interpreter".');
            return false;
        }
        const plan = installPlan(python, this.workspaceFolders());
        this.deps.output.show(true);
        this.log(`$ ${[plan.command, ...plan.args].join(' ')}`);
        const code = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Installing tensorlift into ${python}…` },
            () => runStreaming(plan.command, plan.args, (text) => this.deps.output.append(text)),
        );
        if (code !== 0) {
            void vscode.window
                .showErrorMessage(`tensorlift: installing failed (exit code ${code ?? 'none'}).`, 'Show Output')
                .then((c) => c && this.deps.output.show(true));
            return false;
        }
        // The retry finds this Python even without the Python extension and with its scripts folder off PATH.
        this.installedInto = python;
        await this.restart();
        return true;
    }

    dispose(): void {
        void this.stop();
    }
}
