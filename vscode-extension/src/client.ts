/** The real language client: vscode-languageclient over stdio, wrapped as the `ManagedClient` the extension uses. */

import * as vscode from 'vscode';
import {
    type CodeAction,
    CodeActionRequest,
    CodeActionResolveRequest,
    CodeActionTriggerKind,
    type Command,
    DidChangeConfigurationNotification,
    DynamicFeature,
    type ExecuteCommandRegistrationOptions,
    ExecuteCommandRequest,
    LanguageClient,
    type LanguageClientOptions,
    type NotificationHandler,
    type ProgressType,
    RevealOutputChannelOn,
    type ServerOptions,
    State,
    type StaticFeature,
    WorkDoneProgress,
} from 'vscode-languageclient/node';

import { ExecuteCommandFeatureWithout } from './commandFeature';
import { CLIENT_COMMANDS, type LiftAction } from './commands';
import type { ClientEnvironment, ManagedClient, ManagedState } from './controller';
import type { ServerCommand } from './serverDiscovery';
import { configurationItem, SECTION, toServerOptions } from './settings';

export const CLIENT_ID = 'tensorlift';
export const CLIENT_NAME = 'tensorlift';

class TensorliftLanguageClient extends LanguageClient {
    progressListener: ((token: string | number, value: unknown) => void) | undefined;

    override registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
        if (DynamicFeature.is(feature) && feature.registrationType.method === ExecuteCommandRequest.method) {
            const excluded = new Set<string>(Object.values(CLIENT_COMMANDS));
            super.registerFeature(new ExecuteCommandFeatureWithout(feature as DynamicFeature<ExecuteCommandRegistrationOptions>, excluded));
            return;
        }
        super.registerFeature(feature);
    }

    /** Work-done progress still drives VS Code's own progress UI; the status bar listens in as well. */
    override onProgress<P>(type: ProgressType<P>, token: string | number, handler: NotificationHandler<P>): vscode.Disposable {
        if ((type as unknown) !== WorkDoneProgress.type) {
            return super.onProgress(type, token, handler);
        }
        const listening: NotificationHandler<P> = (value) => {
            this.progressListener?.(token, value);
            return handler(value);
        };
        return super.onProgress(type, token, listening);
    }
}

function isCodeAction(item: Command | CodeAction): item is CodeAction {
    return typeof (item as Command).command !== 'string';
}

export function createLanguageClient(server: ServerCommand, env: ClientEnvironment): ManagedClient {
    const settings = (scope?: vscode.Uri) => vscode.workspace.getConfiguration(SECTION, scope);
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

    // No `transport`: with TransportKind.stdio the client appends `--stdio` to the arguments, which
    // `tensorlift serve` does not take. Without it the client still talks over the process's stdin/stdout.
    const serverOptions: ServerOptions = {
        command: server.command,
        args: [...server.args],
        options: cwd ? { cwd } : {},
    };

    let client: TensorliftLanguageClient | undefined = undefined;
    const languages = ['c', 'cpp', 'python'];
    const clientOptions: LanguageClientOptions = {
        documentSelector: languages.flatMap((language) => [
            { scheme: 'file', language },
            { scheme: 'untitled', language },
        ]),
        outputChannel: env.outputChannel,
        traceOutputChannel: env.outputChannel,
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        initializationOptions: () => toServerOptions(settings()),
        synchronize: { configurationSection: SECTION },
        middleware: {
            workspace: {
                // `workspace/configuration` answers for our section get the same shape as initializationOptions.
                configuration: async (params, token, next) => {
                    const answers: unknown = await next(params, token);
                    if (!Array.isArray(answers)) {
                        return answers as Awaited<ReturnType<typeof next>>; // an error: pass it on
                    }
                    const defaults = answers as unknown[];
                    return params.items.map((item, index) => {
                        const ours = configurationItem(item.section, () =>
                            settings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined),
                        );
                        return ours.handled ? ours.value : defaults[index];
                    });
                },
                // Push the mapped options, not the raw settings tree.
                didChangeConfiguration: async () => {
                    await client?.sendNotification(DidChangeConfigurationNotification.type, {
                        settings: { [SECTION]: toServerOptions(settings()) },
                    });
                },
            },
        },
    };

    client = new TensorliftLanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    client.progressListener = env.onProgress;
    const lc = client;

    const toManagedState = (state: State): ManagedState =>
        state === State.Running ? 'ready' : state === State.Starting ? 'starting' : 'stopped';

    return {
        start: () => lc.start(),
        stop: () => lc.stop(),
        dispose: () => lc.dispose(),
        onDidChangeState: (listener) => lc.onDidChangeState((event) => listener(toManagedState(event.newState))),

        executeCommand: (command, args) => lc.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }),

        async codeActions(document, range, diagnostics): Promise<LiftAction[]> {
            const c2p = lc.code2ProtocolConverter;
            const result = await lc.sendRequest(CodeActionRequest.type, {
                textDocument: c2p.asTextDocumentIdentifier(document),
                range: c2p.asRange(range),
                context: {
                    diagnostics: await c2p.asDiagnostics([...diagnostics]),
                    only: ['quickfix'],
                    triggerKind: CodeActionTriggerKind.Invoked,
                },
            });
            return (result ?? []).filter(isCodeAction);
        },

        async applyCodeAction(action: LiftAction): Promise<boolean> {
            let codeAction = action as CodeAction;
            const provider = lc.initializeResult?.capabilities.codeActionProvider;
            const canResolve = typeof provider === 'object' && provider.resolveProvider === true;
            if (codeAction.edit === undefined && canResolve) {
                codeAction = await lc.sendRequest(CodeActionResolveRequest.type, codeAction);
            }
            let applied = true;
            if (codeAction.edit !== undefined) {
                const edit = await lc.protocol2CodeConverter.asWorkspaceEdit(codeAction.edit);
                applied = await vscode.workspace.applyEdit(edit);
            }
            if (applied && codeAction.command !== undefined) {
                await lc.sendRequest(ExecuteCommandRequest.type, {
                    command: codeAction.command.command,
                    arguments: codeAction.command.arguments,
                });
            }
            return applied;
        },
    };
}
