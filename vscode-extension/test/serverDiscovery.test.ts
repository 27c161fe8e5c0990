import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import {
    checkPython,
    discoverServer,
    expandVariables,
    findOnPath,
    installPlan,
    isTensorliftCheckout,
    pyprojectName,
    runProcess,
    runStreaming,
} from '../src/serverDiscovery';
import { badPython, badTensorlift, goodPython, goodTensorlift, script, tempDir } from './helpers';

/** An empty directory to use as PATH, so the machine's own tensorlift is never found by accident. */
function emptyPath(): string {
    return tempDir('tensorlift-empty-path-');
}

describe('discoverServer: the order of candidates', () => {
    it('tensorlift.path wins over every other candidate', async () => {
        const dir = tempDir();
        const exe = goodTensorlift(dir, 'my-tensorlift');
        const pathDir = tempDir();
        goodTensorlift(pathDir);
        let askedPythonExtension = false;
        const result = await discoverServer({
            tensorliftPath: exe,
            interpreter: goodPython(dir),
            activeInterpreter: () => {
                askedPythonExtension = true;
                return Promise.resolve(goodPython(dir, 'python-ext'));
            },
            pathEnv: pathDir,
        });
        assert.deepEqual(result.found, { command: exe, args: ['serve'], source: 'tensorlift.path' });
        assert.deepEqual(result.rejected, []);
        assert.equal(askedPythonExtension, false, 'the Python extension is not consulted when a setting works');
    });

    it('tensorlift.interpreter comes next, run as python -m tensorlift serve', async () => {
        const dir = tempDir();
        const python = goodPython(dir);
        const result = await discoverServer({
            interpreter: python,
            activeInterpreter: () => Promise.resolve(goodPython(dir, 'python-ext')),
            pathEnv: emptyPath(),
        });
        assert.deepEqual(result.found, {
            command: python,
            args: ['-m', 'tensorlift', 'serve'],
            source: 'tensorlift.interpreter',
            python,
        });
    });

    it('a broken tensorlift.path falls through to the interpreter and says why', async () => {
        const dir = tempDir();
        const broken = badTensorlift(dir);
        const python = goodPython(dir);
        const result = await discoverServer({ tensorliftPath: broken, interpreter: python, pathEnv: emptyPath() });
        assert.equal(result.found?.source, 'tensorlift.interpreter');
        assert.equal(result.rejected.length, 1);
        assert.equal(result.rejected[0]?.source, 'tensorlift.path');
        assert.equal(result.rejected[0]?.command, broken);
        assert.match(result.rejected[0]?.reason ?? '', /exited with code 1: Traceback: ImportError: z3/);
    });

    it("then the Python extension's active interpreter", async () => {
        const dir = tempDir();
        const active = goodPython(dir, 'python-ext');
        const pathDir = tempDir();
        goodTensorlift(pathDir);
        const result = await discoverServer({
            interpreter: badPython(dir),
            activeInterpreter: () => Promise.resolve(active),
            pathEnv: pathDir,
        });
        assert.deepEqual(result.found, { command: active, args: ['-m', 'tensorlift', 'serve'], source: 'python-extension', python: active });
        assert.deepEqual(
            result.rejected.map((r) => r.source),
            ['tensorlift.interpreter'],
        );
        assert.match(result.rejected[0]?.reason ?? '', /No module named 'tensorlift'/);
    });

    it('then tensorlift on PATH', async () => {
        const dir = tempDir();
        const pathDir = tempDir();
        const onPath = goodTensorlift(pathDir);
        const result = await discoverServer({
            activeInterpreter: () => Promise.resolve(badPython(dir)),
            pathEnv: [emptyPath(), pathDir].join(path.delimiter),
        });
        assert.deepEqual(result.found, { command: onPath, args: ['serve'], source: 'PATH' });
        assert.deepEqual(result.rejected.map((r) => r.source), ['python-extension']);
    });

    it('finds nothing when every candidate fails, and lists all of them in order', async () => {
        const dir = tempDir();
        const pathDir = tempDir();
        badTensorlift(pathDir);
        const result = await discoverServer({
            tensorliftPath: badTensorlift(dir, 'tl'),
            interpreter: badPython(dir),
            activeInterpreter: () => Promise.resolve(badPython(dir, 'python-ext')),
            pathEnv: pathDir,
        });
        assert.equal(result.found, undefined);
        assert.deepEqual(
            result.rejected.map((r) => r.source),
            ['tensorlift.path', 'tensorlift.interpreter', 'python-extension', 'PATH'],
        );
    });

    it('reports a missing executable and an empty PATH', async () => {
        const dir = tempDir();
        const result = await discoverServer({ tensorliftPath: path.join(dir, 'does-not-exist'), pathEnv: emptyPath() });
        assert.equal(result.found, undefined);
        assert.match(result.rejected[0]?.reason ?? '', /could not start: ENOENT/);
        assert.deepEqual(result.rejected[1], { source: 'PATH', command: 'tensorlift', reason: 'not found on PATH' });
    });

    it('a Python extension that throws is a rejection, not a crash', async () => {
        const result = await discoverServer({
            activeInterpreter: () => Promise.reject(new Error('not activated')),
            pathEnv: emptyPath(),
        });
        assert.equal(result.found, undefined);
        assert.equal(result.rejected[0]?.source, 'python-extension');
        assert.match(result.rejected[0]?.reason ?? '', /not activated/);
    });

    it('kills a candidate that hangs after the timeout', async () => {
        const dir = tempDir();
        const hanging = script(dir, 'python', 'while :; do :; done');
        const started = Date.now();
        const reason = await checkPython(hanging, 300);
        assert.match(reason ?? '', /did not answer within 300 ms/);
        assert.ok(Date.now() - started < 5000, 'the check returned soon after the timeout');
    });
});

describe('findOnPath', () => {
    it('skips files that are not executable and directories', () => {
        const first = tempDir();
        writeFileSync(path.join(first, 'tensorlift'), 'not executable');
        const second = tempDir();
        mkdirSync(path.join(second, 'tensorlift'));
        const third = tempDir();
        const good = goodTensorlift(third);
        assert.equal(findOnPath('tensorlift', [first, second, third].join(':'), 'linux'), good);
        assert.equal(findOnPath('tensorlift', [first, second].join(':'), 'linux'), undefined);
        assert.equal(findOnPath('tensorlift', '', 'linux'), undefined);
    });
});

describe('runProcess', () => {
    it('returns the exit code and output of a real process', async () => {
        const dir = tempDir();
        const exe = script(dir, 'x', 'echo out; echo err >&2; exit 7');
        const result = await runProcess(exe, []);
        assert.equal(result.code, 7);
        assert.equal(result.stdout, 'out\n');
        assert.equal(result.stderr, 'err\n');
        assert.equal(result.timedOut, false);
    });
});

describe('expandVariables', () => {
    const vars = { workspaceFolder: '/ws', userHome: '/home/u', env: { VENV: '/venvs/a' } };
    it('expands ${workspaceFolder}, ${userHome}, ${env:X} and ~', () => {
        assert.equal(expandVariables('${workspaceFolder}/.venv/bin/python', vars), '/ws/.venv/bin/python');
        assert.equal(expandVariables('${env:VENV}/bin/python', vars), '/venvs/a/bin/python');
        assert.equal(expandVariables('${userHome}/x', vars), '/home/u/x');
        assert.equal(expandVariables('~/bin/tensorlift', vars), '/home/u/bin/tensorlift');
        assert.equal(expandVariables('/usr/bin/python3', vars), '/usr/bin/python3');
    });
    it('leaves ${workspaceFolder} alone without a folder, and unknown env vars empty', () => {
        assert.equal(expandVariables('${workspaceFolder}/p', { userHome: '/h', env: {} }), '${workspaceFolder}/p');
        assert.equal(expandVariables('${env:NOPE}/p', { env: {} }), '/p');
    });
});

describe('install plan', () => {
    it('reads the [project] name of a pyproject.toml', () => {
        assert.equal(pyprojectName('[build-system]\nname = "x"\n[project]\nname = "tensorlift"\n'), 'tensorlift');
        assert.equal(pyprojectName("[project]\nversion = '1'\nname = 'other' # comment\n"), 'other');
        assert.equal(pyprojectName('[tool.poetry]\nname = "tensorlift"\n'), undefined);
    });

    it('recognises this repository as a tensorlift checkout', () => {
        // out/test → vscode-extension → the repository root, whose pyproject.toml names the project tensorlift.
        const repositoryRoot = path.join(__dirname, '..', '..', '..');
        assert.equal(isTensorliftCheckout(repositoryRoot), true);
        assert.equal(isTensorliftCheckout(path.join(repositoryRoot, 'vscode-extension')), false);
    });

    it('installs in development mode (-e) from a checkout, else from the index', () => {
        const checkout = tempDir();
        writeFileSync(path.join(checkout, 'pyproject.toml'), '[project]\nname = "tensorlift"\nversion = "0.1.0"\n');
        const other = tempDir();
        writeFileSync(path.join(other, 'pyproject.toml'), '[project]\nname = "something-else"\n');
        assert.deepEqual(installPlan('/py', [other, checkout]), {
            command: '/py',
            args: ['-m', 'pip', 'install', '-e', checkout],
            mode: 'development',
            folder: checkout,
        });
        assert.deepEqual(installPlan('/py', [other]), { command: '/py', args: ['-m', 'pip', 'install', 'tensorlift'], mode: 'index' });
        assert.deepEqual(installPlan('/py', []), { command: '/py', args: ['-m', 'pip', 'install', 'tensorlift'], mode: 'index' });
    });

    it('runStreaming passes the output on and resolves with the exit code', async () => {
        const dir = tempDir();
        const exe = script(dir, 'pip', 'echo "Collecting $1"; echo "warning" >&2; exit 4');
        const chunks: string[] = [];
        const code = await runStreaming(exe, ['tensorlift'], (text) => chunks.push(text));
        assert.equal(code, 4);
        assert.match(chunks.join(''), /Collecting tensorlift/);
        assert.match(chunks.join(''), /warning/);
        assert.equal(await runStreaming(path.join(dir, 'missing'), [], () => undefined), null);
    });
});
