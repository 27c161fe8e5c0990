/** Shared by the tests: fake executables (real processes) and typed access to the `vscode` stub. */

import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export function tempDir(prefix = 'tensorlift-vscode-'): string {
    return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Write an executable /bin/sh script `name` into `dir` and return its path. Only shell builtins inside. */
export function script(dir: string, name: string, body: string): string {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
}

/** A `tensorlift` that answers `--version` with 0. */
export function goodTensorlift(dir: string, name = 'tensorlift'): string {
    return script(dir, name, 'if [ "$1" = "--version" ]; then echo "tensorlift 0.1.0"; exit 0; fi\nexit 3');
}

/** A `tensorlift` that is broken: `--version` fails. */
export function badTensorlift(dir: string, name = 'tensorlift'): string {
    return script(dir, name, 'echo "Traceback: ImportError: z3" >&2\nexit 1');
}

/** A Python where `-c "import tensorlift"` succeeds (and only that exact check). */
export function goodPython(dir: string, name = 'python'): string {
    return script(dir, name, 'if [ "$1" = "-c" ] && [ "$2" = "import tensorlift" ]; then exit 0; fi\nexit 2');
}

/** A Python without tensorlift. */
export function badPython(dir: string, name = 'python'): string {
    return script(dir, name, `echo "ModuleNotFoundError: No module named 'tensorlift'" >&2\nexit 1`);
}

export interface StubMessage {
    level: 'info' | 'warning' | 'error';
    message: string;
    items: unknown[];
}

export interface StubOutputChannel {
    readonly text: string;
    shown: number;
}

export interface StubStatusItem {
    text: string;
    tooltip: string;
    visible: boolean;
    backgroundColor?: { id: string };
    command?: string;
}

export interface StubDocument {
    uri: { toString(): string; scheme: string; path: string; query: string };
    languageId: string;
    getText(): string;
}

/** What `require('vscode').__stub` offers (see test/vscode-stub.js). */
export interface VscodeStub {
    commands: Map<string, (...args: unknown[]) => unknown>;
    executedCommands: { id: string; args: unknown[] }[];
    messages: StubMessage[];
    answerMessage: (message: StubMessage) => string | undefined;
    answerQuickPick: (items: { label: string }[], options: unknown) => unknown;
    quickPicks: { items: { label: string }[]; options: unknown }[];
    settings: Map<string, unknown>;
    workspaceFolders: { uri: unknown; name: string; index: number }[] | undefined;
    activeTextEditor: unknown;
    diagnostics: Map<string, unknown[]>;
    languages: string[];
    contentProviders: Map<string, { provideTextDocumentContent(uri: unknown): string }>;
    shownDocuments: { document: StubDocument; options: unknown }[];
    outputChannels: StubOutputChannel[];
    statusItems: StubStatusItem[];
    progressTitles: string[];
    appliedEdits: unknown[];
    diagnosticCollections: { get(uri: unknown): unknown[] | undefined }[];
    changeSettings(changes: Record<string, unknown>): void;
    reset(): void;
    document(uri: unknown, languageId: string, text?: string): StubDocument;
    editor(document: StubDocument, line: number, character: number): unknown;
}

export function vscodeStub(): VscodeStub {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('vscode') as { __stub?: VscodeStub };
    if (module.__stub === undefined) {
        throw new Error('run the tests with --require ./test/vscode-stub.js');
    }
    return module.__stub;
}

/** Wait until `predicate` holds (polling), or fail after `timeoutMs`. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
        if (Date.now() > deadline) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}

export const PACKAGE_JSON = path.join(__dirname, '..', '..', 'package.json');
