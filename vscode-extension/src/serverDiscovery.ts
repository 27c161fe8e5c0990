/**
 * Finding the tensorlift language server. Pure: no `vscode` import, so it runs under `node --test`.
 *
 * Order (first candidate that really works wins):
 *   1. `tensorlift.path`         a `tensorlift` executable          → `<path> serve`
 *   2. `tensorlift.interpreter`  a Python with tensorlift installed → `<python> -m tensorlift serve`
 *   3. the Python extension's active interpreter                    → `<python> -m tensorlift serve`
 *   4. `tensorlift` on PATH                                         → `<found> serve`
 *
 * A candidate is checked by running it: `tensorlift --version` or `python -c "import tensorlift"`, with a
 * timeout. Candidates that fail are kept with the reason, so the user can be told why nothing was found.
 */

import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type CandidateSource = 'tensorlift.path' | 'tensorlift.interpreter' | 'python-extension' | 'PATH';

export interface ServerCommand {
    /** The executable to spawn. */
    readonly command: string;
    readonly args: readonly string[];
    readonly source: CandidateSource;
    /** The Python that runs the server, when it is run as `python -m tensorlift`. */
    readonly python?: string;
}

export interface Rejection {
    readonly source: CandidateSource;
    readonly command: string;
    readonly reason: string;
}

export interface DiscoveryResult {
    readonly found?: ServerCommand;
    /** Every candidate that was tried and did not work, in the order tried. */
    readonly rejected: readonly Rejection[];
}

export interface DiscoveryInput {
    /** `tensorlift.path`, variables already expanded; empty or undefined when unset. */
    readonly tensorliftPath?: string;
    /** `tensorlift.interpreter`, variables already expanded. */
    readonly interpreter?: string;
    /** The Python extension's active interpreter, asked for only when the settings gave nothing that works. */
    readonly activeInterpreter?: () => Promise<string | undefined>;
    /** The PATH to search; defaults to `process.env.PATH`. */
    readonly pathEnv?: string;
    readonly platform?: NodeJS.Platform;
    /** Per-check timeout in milliseconds (default 10 s: importing a package can be slow on a cold disk). */
    readonly timeoutMs?: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

export interface RunResult {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly timedOut: boolean;
    /** Set when the process could not be started at all (ENOENT, EACCES, ...). */
    readonly spawnError?: string;
}

/** Run a process to completion with a timeout; never throws. The process is killed on timeout. */
export function runProcess(
    command: string,
    args: readonly string[],
    timeoutMs: number = DEFAULT_CHECK_TIMEOUT_MS,
): Promise<RunResult> {
    return new Promise((resolve) => {
        execFile(
            command,
            [...args],
            { timeout: timeoutMs, killSignal: 'SIGKILL', windowsHide: true, maxBuffer: 1024 * 1024 },
            (error, stdout, stderr) => {
                if (error === null) {
                    resolve({ code: 0, stdout, stderr, timedOut: false });
                    return;
                }
                const err = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
                if (typeof err.code === 'string') {
                    resolve({ code: null, stdout, stderr, timedOut: false, spawnError: `${err.code}: ${err.message}` });
                    return;
                }
                const timedOut = err.killed === true && typeof err.code !== 'number';
                resolve({ code: typeof err.code === 'number' ? err.code : null, stdout, stderr, timedOut });
            },
        );
    });
}

function describeFailure(result: RunResult, timeoutMs: number): string {
    if (result.spawnError !== undefined) {
        return `could not start: ${result.spawnError}`;
    }
    if (result.timedOut) {
        return `did not answer within ${timeoutMs} ms`;
    }
    const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-1)[0] ?? '';
    return `exited with code ${result.code ?? 'null'}${detail ? `: ${detail}` : ''}`;
}

/** Runs `<exe> --version`; tensorlift is usable when it exits with 0. */
export async function checkExecutable(exe: string, timeoutMs = DEFAULT_CHECK_TIMEOUT_MS): Promise<string | undefined> {
    const result = await runProcess(exe, ['--version'], timeoutMs);
    return result.code === 0 ? undefined : describeFailure(result, timeoutMs);
}

/** Runs `<python> -c "import tensorlift"`; usable when it exits with 0. */
export async function checkPython(python: string, timeoutMs = DEFAULT_CHECK_TIMEOUT_MS): Promise<string | undefined> {
    const result = await runProcess(python, ['-c', 'import tensorlift'], timeoutMs);
    return result.code === 0 ? undefined : describeFailure(result, timeoutMs);
}

/** The first executable named `name` on `pathEnv`, honouring PATHEXT on Windows. */
export function findOnPath(
    name: string,
    pathEnv: string | undefined = process.env.PATH,
    platform: NodeJS.Platform = process.platform,
): string | undefined {
    if (!pathEnv) {
        return undefined;
    }
    const separator = platform === 'win32' ? ';' : ':';
    const extensions =
        platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : [''];
    for (const dir of pathEnv.split(separator)) {
        if (!dir) {
            continue;
        }
        for (const ext of extensions) {
            const candidate = path.join(dir, name + ext);
            if (isExecutableFile(candidate, platform)) {
                return candidate;
            }
        }
    }
    return undefined;
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
    try {
        if (!statSync(file).isFile()) {
            return false;
        }
        if (platform !== 'win32') {
            accessSync(file, constants.X_OK);
        }
        return true;
    } catch {
        return false;
    }
}

export function serverFromExecutable(exe: string, source: CandidateSource): ServerCommand {
    return { command: exe, args: ['serve'], source };
}

export function serverFromPython(python: string, source: CandidateSource): ServerCommand {
    return { command: python, args: ['-m', 'tensorlift', 'serve'], source, python };
}

/** Try the candidates in the documented order; see the module comment. */
export async function discoverServer(input: DiscoveryInput): Promise<DiscoveryResult> {
    const timeoutMs = input.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    const rejected: Rejection[] = [];

    const explicitPath = input.tensorliftPath?.trim();
    if (explicitPath) {
        const failure = await checkExecutable(explicitPath, timeoutMs);
        if (failure === undefined) {
            return { found: serverFromExecutable(explicitPath, 'tensorlift.path'), rejected };
        }
        rejected.push({ source: 'tensorlift.path', command: explicitPath, reason: failure });
    }

    const interpreter = input.interpreter?.trim();
    if (interpreter) {
        const failure = await checkPython(interpreter, timeoutMs);
        if (failure === undefined) {
            return { found: serverFromPython(interpreter, 'tensorlift.interpreter'), rejected };
        }
        rejected.push({ source: 'tensorlift.interpreter', command: interpreter, reason: failure });
    }

    if (input.activeInterpreter) {
        let active: string | undefined;
        try {
            active = (await input.activeInterpreter())?.trim();
        } catch (error) {
            rejected.push({ source: 'python-extension', command: '', reason: `the Python extension failed: ${String(error)}` });
        }
        if (active) {
            const failure = await checkPython(active, timeoutMs);
            if (failure === undefined) {
                return { found: serverFromPython(active, 'python-extension'), rejected };
            }
            rejected.push({ source: 'python-extension', command: active, reason: failure });
        }
    }

    const onPath = findOnPath('tensorlift', input.pathEnv ?? process.env.PATH, input.platform ?? process.platform);
    if (onPath) {
        const failure = await checkExecutable(onPath, timeoutMs);
        if (failure === undefined) {
            return { found: serverFromExecutable(onPath, 'PATH'), rejected };
        }
        rejected.push({ source: 'PATH', command: onPath, reason: failure });
    } else {
        rejected.push({ source: 'PATH', command: 'tensorlift', reason: 'not found on PATH' });
    }
    return { rejected };
}

/** A human-readable account of a failed discovery, for the output channel. */
export function describeRejections(rejected: readonly Rejection[]): string {
    return rejected.map((r) => `- ${r.source}${r.command ? ` (${r.command})` : ''}: ${r.reason}`).join('\n');
}

/**
 * Expand `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~` in a path setting, as the
 * Python tools extensions do.
 */
export function expandVariables(
    value: string,
    vars: { workspaceFolder?: string; userHome?: string; env?: NodeJS.ProcessEnv } = {},
): string {
    const home = vars.userHome ?? os.homedir();
    const env = vars.env ?? process.env;
    let out = value.replace(/\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (whole, name: string, envName?: string) => {
        if (envName !== undefined) {
            return env[envName] ?? '';
        }
        if (name === 'userHome') {
            return home;
        }
        return vars.workspaceFolder ?? whole;
    });
    if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
        out = home + out.slice(1);
    }
    return out;
}

/** True when `folder/pyproject.toml` declares the project named tensorlift (this repository: development mode). */
export function isTensorliftCheckout(folder: string): boolean {
    let text: string;
    try {
        text = readFileSync(path.join(folder, 'pyproject.toml'), 'utf8');
    } catch {
        return false;
    }
    return pyprojectName(text) === 'tensorlift';
}

/** The `name` of the `[project]` table of a pyproject.toml, read without a TOML library. */
export function pyprojectName(text: string): string | undefined {
    let inProject = false;
    for (const rawLine of text.split(/\r?\n/)) {
        const line = rawLine.replace(/#.*$/, '').trim();
        if (line.startsWith('[')) {
            inProject = line === '[project]';
            continue;
        }
        if (!inProject) {
            continue;
        }
        const match = /^name\s*=\s*(?:"([^"]*)"|'([^']*)')$/.exec(line);
        if (match) {
            return match[1] ?? match[2];
        }
    }
    return undefined;
}

export interface InstallPlan {
    readonly command: string;
    readonly args: readonly string[];
    /** Where the package comes from: the index, or an editable install of a checkout. */
    readonly mode: 'index' | 'development';
    readonly folder?: string;
}

/**
 * How to install tensorlift into `python`: `pip install -e <folder>` when a workspace folder is a tensorlift
 * checkout (development mode), else `pip install tensorlift` from the index.
 */
export function installPlan(python: string, workspaceFolders: readonly string[]): InstallPlan {
    const checkout = workspaceFolders.find(isTensorliftCheckout);
    if (checkout !== undefined) {
        return { command: python, args: ['-m', 'pip', 'install', '-e', checkout], mode: 'development', folder: checkout };
    }
    return { command: python, args: ['-m', 'pip', 'install', 'tensorlift'], mode: 'index' };
}

/** The Python to install into when no interpreter is configured: python3, then python, on PATH. */
export function defaultPython(pathEnv: string | undefined = process.env.PATH, platform = process.platform): string | undefined {
    const names = platform === 'win32' ? ['python', 'py'] : ['python3', 'python'];
    for (const name of names) {
        const found = findOnPath(name, pathEnv, platform);
        if (found) {
            return found;
        }
    }
    return undefined;
}

/** Run a process, streaming its output line by line to `log`; resolves with the exit code (null if killed). */
export function runStreaming(
    command: string,
    args: readonly string[],
    log: (text: string) => void,
    options: { cwd?: string } = {},
): Promise<number | null> {
    return new Promise((resolve) => {
        const child = spawn(command, [...args], { cwd: options.cwd, windowsHide: true });
        child.stdout.on('data', (chunk: Buffer) => log(chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => log(chunk.toString()));
        child.on('error', (error) => {
            log(`could not start ${command}: ${error.message}\n`);
            resolve(null);
        });
        child.on('close', (code) => resolve(code));
    });
}
