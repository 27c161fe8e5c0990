/**
 * The extension's commands. They talk to the server through `ServerApi`, so tests can drive them with a fake
 * server and a stub of the `vscode` module.
 */

import * as vscode from 'vscode';

import { type ProofDocuments } from './proofDocuments';

/** Commands contributed in package.json and registered by `activate` (a test checks both directions). */
export const CLIENT_COMMANDS = {
    liftAtCursor: 'tensorlift.liftAtCursor',
    liftAllInFile: 'tensorlift.liftAllInFile',
    showProof: 'tensorlift.showProof',
    recheckProof: 'tensorlift.recheckProof',
    restartServer: 'tensorlift.restartServer',
    showOutput: 'tensorlift.showOutput',
} as const;

/** `workspace/executeCommand` commands of the server, with their arguments. */
export const SERVER_COMMANDS = {
    /** `[uri: string]` → anything; the server applies the edits itself through `workspace/applyEdit`. */
    liftAll: 'tensorlift.liftAll',
    /** `[uri: string, {line, character}]` → `{certificate: string, status: string}` or null. */
    showProof: 'tensorlift.showProof',
    /** `[uri: string, {line, character}]` → `{ok: boolean, message: string}`. */
    recheckProof: 'tensorlift.recheckProof',
} as const;

export const DIAGNOSTIC_SOURCE = 'tensorlift';

/** The part of an LSP `CodeAction` the commands look at; the rest is passed back to the server untouched. */
export interface LiftAction {
    readonly title: string;
    readonly kind?: string;
    readonly isPreferred?: boolean;
    readonly diagnostics?: readonly { readonly source?: string }[];
}

/** What the commands need from a running language server. */
export interface ServerApi {
    executeCommand(command: string, args: unknown[]): Promise<unknown>;
    /** `textDocument/codeAction` with `only: ["quickfix"]` and the given diagnostics as context. */
    codeActions(
        document: vscode.TextDocument,
        range: vscode.Range,
        diagnostics: readonly vscode.Diagnostic[],
    ): Promise<LiftAction[]>;
    /** Resolve the action if it has no edit yet, apply its edit, run its command. False when the edit failed. */
    applyCodeAction(action: LiftAction): Promise<boolean>;
}

export interface CommandDeps {
    /** The running server, or undefined when it is not ready. */
    server(): ServerApi | undefined;
    restartServer(): Promise<void>;
    showOutput(): void;
    proofs: ProofDocuments;
}

/** Quick fixes made by tensorlift, preferred ones first, otherwise in the server's order. */
export function liftQuickFixes<T extends LiftAction>(actions: readonly T[]): T[] {
    const fixes = actions.filter((action) => {
        const kind = action.kind ?? '';
        if (kind !== 'quickfix' && !kind.startsWith('quickfix.')) {
            return false;
        }
        const diagnostics = action.diagnostics ?? [];
        return diagnostics.length === 0 || diagnostics.some((d) => d.source === DIAGNOSTIC_SOURCE);
    });
    return fixes
        .map((action, index) => ({ action, index }))
        .sort((a, b) => Number(b.action.isPreferred === true) - Number(a.action.isPreferred === true) || a.index - b.index)
        .map(({ action }) => action);
}

/** `{line, character}` of the cursor, as the server commands take it. */
export function cursorPosition(editor: vscode.TextEditor): { line: number; character: number } {
    const { line, character } = editor.selection.active;
    return { line, character };
}

function isProofResult(value: unknown): value is { certificate: string; status: string } {
    return (
        value !== null &&
        typeof value === 'object' &&
        typeof (value as { certificate?: unknown }).certificate === 'string' &&
        typeof (value as { status?: unknown }).status === 'string'
    );
}

function isRecheckResult(value: unknown): value is { ok: boolean; message: string } {
    return (
        value !== null &&
        typeof value === 'object' &&
        typeof (value as { ok?: unknown }).ok === 'boolean' &&
        typeof (value as { message?: unknown }).message === 'string'
    );
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
    const requireServer = (): ServerApi | undefined => {
        const server = deps.server();
        if (server === undefined) {
            void vscode.window
                .showErrorMessage('tensorlift: the language server is not running.', 'Restart Server', 'Show Output')
                .then((choice) => {
                    if (choice === 'Restart Server') {
                        void deps.restartServer();
                    } else if (choice === 'Show Output') {
                        deps.showOutput();
                    }
                });
        }
        return server;
    };

    const requireEditor = (): vscode.TextEditor | undefined => {
        const editor = vscode.window.activeTextEditor;
        if (editor === undefined) {
            void vscode.window.showInformationMessage('tensorlift: open a C, C++ or Python file first.');
        }
        return editor;
    };

    const report = (what: string, error: unknown): void => {
        const message = error instanceof Error ? error.message : String(error);
        void vscode.window.showErrorMessage(`tensorlift: ${what} failed: ${message}`);
    };

    async function liftAtCursor(): Promise<void> {
        const editor = requireEditor();
        const server = editor && requireServer();
        if (!editor || !server) {
            return;
        }
        const document = editor.document;
        const cursor = editor.selection.active;
        const range = new vscode.Range(editor.selection.start, editor.selection.end);
        const diagnostics = vscode.languages
            .getDiagnostics(document.uri)
            .filter((d) => d.source === DIAGNOSTIC_SOURCE && d.range.contains(cursor));
        try {
            const fixes = liftQuickFixes(await server.codeActions(document, range, diagnostics));
            if (fixes.length === 0) {
                void vscode.window.showInformationMessage('tensorlift: no liftable loop at the cursor.');
                return;
            }
            let chosen: LiftAction | undefined = fixes[0];
            if (fixes.length > 1) {
                const picked = await vscode.window.showQuickPick(
                    fixes.map((action) => ({ label: action.title, action })),
                    { placeHolder: 'Lift to which target?' },
                );
                chosen = picked?.action;
            }
            if (chosen === undefined) {
                return;
            }
            if (!(await server.applyCodeAction(chosen))) {
                void vscode.window.showErrorMessage(`tensorlift: could not apply "${chosen.title}".`);
            }
        } catch (error) {
            report('lifting', error);
        }
    }

    async function liftAllInFile(uri?: vscode.Uri): Promise<void> {
        const target = uri instanceof vscode.Uri ? uri : requireEditor()?.document.uri;
        const server = target && requireServer();
        if (!target || !server) {
            return;
        }
        try {
            const result = await server.executeCommand(SERVER_COMMANDS.liftAll, [target.toString()]);
            if (result !== null && typeof result === 'object' && typeof (result as { message?: unknown }).message === 'string') {
                void vscode.window.showInformationMessage(`tensorlift: ${(result as { message: string }).message}`);
            }
        } catch (error) {
            report('lifting the file', error);
        }
    }

    async function showProof(): Promise<void> {
        const editor = requireEditor();
        const server = editor && requireServer();
        if (!editor || !server) {
            return;
        }
        const source = editor.document.uri;
        const position = cursorPosition(editor);
        try {
            const result = await server.executeCommand(SERVER_COMMANDS.showProof, [source.toString(), position]);
            if (result === null || result === undefined) {
                void vscode.window.showInformationMessage('tensorlift: no proof for the loop at the cursor (lift it first).');
                return;
            }
            if (!isProofResult(result)) {
                report('showing the proof', new Error('the server answered in an unexpected shape'));
                return;
            }
            await deps.proofs.open(source, position, result.certificate, result.status);
        } catch (error) {
            report('showing the proof', error);
        }
    }

    async function recheckProof(): Promise<void> {
        const editor = requireEditor();
        const server = editor && requireServer();
        if (!editor || !server) {
            return;
        }
        try {
            const result = await server.executeCommand(SERVER_COMMANDS.recheckProof, [
                editor.document.uri.toString(),
                cursorPosition(editor),
            ]);
            if (!isRecheckResult(result)) {
                report('re-checking the proof', new Error('the server answered in an unexpected shape'));
                return;
            }
            if (result.ok) {
                void vscode.window.showInformationMessage(`tensorlift: ${result.message}`);
            } else {
                void vscode.window.showErrorMessage(`tensorlift: ${result.message}`);
            }
        } catch (error) {
            report('re-checking the proof', error);
        }
    }

    return [
        vscode.commands.registerCommand(CLIENT_COMMANDS.liftAtCursor, liftAtCursor),
        vscode.commands.registerCommand(CLIENT_COMMANDS.liftAllInFile, liftAllInFile),
        vscode.commands.registerCommand(CLIENT_COMMANDS.showProof, showProof),
        vscode.commands.registerCommand(CLIENT_COMMANDS.recheckProof, recheckProof),
        vscode.commands.registerCommand(CLIENT_COMMANDS.restartServer, () => deps.restartServer()),
        vscode.commands.registerCommand(CLIENT_COMMANDS.showOutput, () => deps.showOutput()),
    ];
}
