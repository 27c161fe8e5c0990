// A small stand-in for the `vscode` module, preloaded with `node --require ./test/vscode-stub.js`.
// It implements the slice of the API the extension uses and records what the extension does with it;
// tests drive and inspect it through `require('vscode').__stub`.
'use strict';

const Module = require('node:module');
const path = require('node:path');

class Position {
    constructor(line, character) {
        this.line = line;
        this.character = character;
    }
    isBefore(other) {
        return this.line < other.line || (this.line === other.line && this.character < other.character);
    }
    isEqual(other) {
        return this.line === other.line && this.character === other.character;
    }
}

class Range {
    constructor(a, b, c, d) {
        if (typeof a === 'number') {
            this.start = new Position(a, b);
            this.end = new Position(c, d);
        } else {
            this.start = a;
            this.end = b;
        }
    }
    get isEmpty() {
        return this.start.isEqual(this.end);
    }
    contains(p) {
        if (p instanceof Range) {
            return this.contains(p.start) && this.contains(p.end);
        }
        return !p.isBefore(this.start) && !this.end.isBefore(p);
    }
}

class Selection extends Range {
    constructor(anchor, active) {
        const [start, end] = active.isBefore(anchor) ? [active, anchor] : [anchor, active];
        super(start, end);
        this.anchor = anchor;
        this.active = active;
    }
}

class Uri {
    constructor(scheme, authority, p, query, fragment) {
        this.scheme = scheme;
        this.authority = authority || '';
        this.path = p || '/';
        this.query = query || '';
        this.fragment = fragment || '';
    }
    static file(fsPath) {
        return new Uri('file', '', fsPath.split(path.sep).join('/'), '', '');
    }
    static parse(value) {
        const match = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(value);
        if (!match) {
            throw new Error(`stub Uri.parse: cannot parse ${value}`);
        }
        return new Uri(match[1], match[2], decodeURIComponent(match[3]), match[4], match[5]);
    }
    static from(parts) {
        return new Uri(parts.scheme, parts.authority, parts.path, parts.query, parts.fragment);
    }
    get fsPath() {
        return this.path;
    }
    with(change) {
        return new Uri(
            change.scheme ?? this.scheme,
            change.authority ?? this.authority,
            change.path ?? this.path,
            change.query ?? this.query,
            change.fragment ?? this.fragment,
        );
    }
    toString() {
        const authority = this.scheme === 'file' || this.authority ? `//${this.authority}` : '';
        return (
            `${this.scheme}:${authority}${encodeURI(this.path)}` +
            (this.query ? `?${this.query}` : '') +
            (this.fragment ? `#${this.fragment}` : '')
        );
    }
    toJSON() {
        return this.toString();
    }
}

class Disposable {
    constructor(callOnDispose) {
        this.callOnDispose = callOnDispose;
        this.disposed = false;
    }
    static from(...items) {
        return new Disposable(() => items.forEach((d) => d.dispose()));
    }
    dispose() {
        if (!this.disposed) {
            this.disposed = true;
            this.callOnDispose?.();
        }
    }
}

class EventEmitter {
    constructor() {
        this.listeners = new Set();
        this.event = (listener) => {
            this.listeners.add(listener);
            return new Disposable(() => this.listeners.delete(listener));
        };
    }
    fire(value) {
        for (const listener of [...this.listeners]) {
            listener(value);
        }
    }
    dispose() {
        this.listeners.clear();
    }
}

class ThemeColor {
    constructor(id) {
        this.id = id;
    }
}

class Diagnostic {
    constructor(range, message, severity) {
        this.range = range;
        this.message = message;
        this.severity = severity;
    }
}

/** Plain data classes that vscode-languageclient subclasses when it is loaded. */
class CompletionItem {
    constructor(label, kind) {
        this.label = label;
        this.kind = kind;
    }
}
class CodeLens {
    constructor(range, command) {
        this.range = range;
        this.command = command;
    }
}
class CodeAction {
    constructor(title, kind) {
        this.title = title;
        this.kind = kind;
    }
}
class DocumentLink {
    constructor(range, target) {
        this.range = range;
        this.target = target;
    }
}
class InlayHint {
    constructor(position, label, kind) {
        this.position = position;
        this.label = label;
        this.kind = kind;
    }
}
class SymbolInformation {
    constructor(name, kind, containerName, location) {
        this.name = name;
        this.kind = kind;
        this.containerName = containerName;
        this.location = location;
    }
}
class CallHierarchyItem {
    constructor(kind, name, detail, uri, range, selectionRange) {
        Object.assign(this, { kind, name, detail, uri, range, selectionRange });
    }
}
class TypeHierarchyItem extends CallHierarchyItem {}
class CancellationError extends Error {}
class CodeActionKind {
    constructor(value) {
        this.value = value;
    }
    append(part) {
        return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
    }
    contains(other) {
        return this.value === other.value || other.value.startsWith(`${this.value}.`);
    }
}
for (const [name, value] of Object.entries({
    Empty: '',
    QuickFix: 'quickfix',
    Refactor: 'refactor',
    RefactorExtract: 'refactor.extract',
    RefactorInline: 'refactor.inline',
    RefactorMove: 'refactor.move',
    RefactorRewrite: 'refactor.rewrite',
    Source: 'source',
    SourceOrganizeImports: 'source.organizeImports',
    SourceFixAll: 'source.fixAll',
    Notebook: 'notebook',
})) {
    CodeActionKind[name] = new CodeActionKind(value);
}

class TextEdit {
    constructor(range, newText) {
        this.range = range;
        this.newText = newText;
    }
}

/** Records its operations in order: `{op: 'edit', uri, edits}` / `{op: 'createFile', uri}` / ... */
class WorkspaceEdit {
    constructor() {
        this.operations = [];
    }
    set(uri, edits) {
        const plain = edits.map((e) => (Array.isArray(e) ? e[0] : e));
        this.operations.push({ op: 'edit', uri: uri.toString(), edits: plain });
    }
    replace(uri, range, newText) {
        this.operations.push({ op: 'edit', uri: uri.toString(), edits: [new TextEdit(range, newText)] });
    }
    insert(uri, position, newText) {
        this.replace(uri, new Range(position, position), newText);
    }
    createFile(uri, options) {
        this.operations.push({ op: 'createFile', uri: uri.toString(), options });
    }
    renameFile(oldUri, newUri, options) {
        this.operations.push({ op: 'renameFile', uri: oldUri.toString(), newUri: newUri.toString(), options });
    }
    deleteFile(uri, options) {
        this.operations.push({ op: 'deleteFile', uri: uri.toString(), options });
    }
}

class CancellationTokenSource {
    constructor() {
        const emitter = new EventEmitter();
        this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
        this.emitter = emitter;
    }
    cancel() {
        if (!this.token.isCancellationRequested) {
            this.token.isCancellationRequested = true;
            this.emitter.fire(undefined);
        }
    }
    dispose() {
        this.emitter.dispose();
    }
}

/** An event nobody fires: the language client subscribes to many of these. */
function quietEvent() {
    return () => new Disposable();
}

/** Everything the tests can see and steer. */
const stub = {
    /** command id → handler, as registered with `commands.registerCommand`. */
    commands: new Map(),
    /** `commands.executeCommand` calls that did not hit a registered command. */
    executedCommands: [],
    /** `{level: 'info'|'warning'|'error', message, items}` for every message shown. */
    messages: [],
    /** Answer a message: `(message) => item | undefined`. */
    answerMessage: () => undefined,
    /** Answer a quick pick: `(items, options) => item | undefined`. */
    answerQuickPick: (items) => items[0],
    quickPicks: [],
    /** Settings by full key, e.g. `tensorlift.budget`. */
    settings: new Map(),
    workspaceFolders: undefined,
    activeTextEditor: undefined,
    /** uri string → Diagnostic[] */
    diagnostics: new Map(),
    languages: ['plaintext', 'c', 'cpp', 'python'],
    contentProviders: new Map(),
    shownDocuments: [],
    outputChannels: [],
    statusItems: [],
    configurationListeners: new EventEmitter(),
    extensions: new Map(),
    progressTitles: [],
    /** WorkspaceEdits passed to `workspace.applyEdit`. */
    appliedEdits: [],
    /** Collections made with `languages.createDiagnosticCollection` (the language client makes one). */
    diagnosticCollections: [],

    /** Fire `onDidChangeConfiguration` for the given changed keys. */
    changeSettings(changes) {
        for (const [key, value] of Object.entries(changes)) {
            if (value === undefined) {
                stub.settings.delete(key);
            } else {
                stub.settings.set(key, value);
            }
        }
        const keys = Object.keys(changes);
        stub.configurationListeners.fire({
            affectsConfiguration: (section) => keys.some((key) => key === section || key.startsWith(`${section}.`)),
        });
    },

    reset() {
        stub.commands.clear();
        stub.executedCommands.length = 0;
        stub.messages.length = 0;
        stub.answerMessage = () => undefined;
        stub.answerQuickPick = (items) => items[0];
        stub.quickPicks.length = 0;
        stub.settings.clear();
        stub.workspaceFolders = undefined;
        stub.activeTextEditor = undefined;
        stub.diagnostics.clear();
        stub.languages = ['plaintext', 'c', 'cpp', 'python'];
        stub.contentProviders.clear();
        stub.shownDocuments.length = 0;
        stub.outputChannels.length = 0;
        stub.statusItems.length = 0;
        stub.configurationListeners = new EventEmitter();
        stub.extensions.clear();
        stub.progressTitles.length = 0;
        stub.appliedEdits.length = 0;
        stub.diagnosticCollections.length = 0;
        vscode.workspace.textDocuments.length = 0;
    },

    /** A text document for tests: `{uri, languageId, getText()}`. */
    document(uri, languageId, text = '') {
        return { uri, languageId, version: 1, getText: () => text, isUntitled: false };
    },

    /** An editor on `document` with the cursor at (line, character). */
    editor(document, line, character) {
        const p = new Position(line, character);
        return { document, selection: new Selection(p, p) };
    },
};

function showMessage(level) {
    return (message, ...rest) => {
        const items = rest.filter((item) => typeof item === 'string' || (item && typeof item.title === 'string'));
        const entry = { level, message, items };
        stub.messages.push(entry);
        return Promise.resolve(stub.answerMessage(entry));
    };
}

function outputChannel(name) {
    const channel = {
        name,
        lines: [],
        shown: 0,
        logLevel: 3, // Info
        onDidChangeLogLevel: quietEvent(),
        replace(text) {
            channel.lines = [text];
        },
        append(text) {
            channel.lines.push(text);
        },
        appendLine(text) {
            channel.lines.push(`${text}\n`);
        },
        info(text) {
            channel.appendLine(text);
        },
        warn(text) {
            channel.appendLine(text);
        },
        error(text) {
            channel.appendLine(String(text));
        },
        debug() {},
        trace() {},
        show() {
            channel.shown += 1;
        },
        hide() {},
        clear() {
            channel.lines.length = 0;
        },
        dispose() {},
        get text() {
            return channel.lines.join('');
        },
    };
    stub.outputChannels.push(channel);
    return channel;
}

const vscode = {
    Position,
    Range,
    Selection,
    Uri,
    Disposable,
    EventEmitter,
    ThemeColor,
    Diagnostic,
    CompletionItem,
    CodeLens,
    CodeAction,
    DocumentLink,
    InlayHint,
    SymbolInformation,
    CallHierarchyItem,
    TypeHierarchyItem,
    CancellationError,
    CodeActionKind,
    CancellationTokenSource,
    TextEdit,
    WorkspaceEdit,
    LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
    version: '1.91.0',
    env: { appName: 'vscode-stub', language: 'en', machineId: 'stub', openExternal: () => Promise.resolve(true) },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },

    commands: {
        registerCommand(id, handler) {
            if (stub.commands.has(id)) {
                // VS Code refuses a second registration of the same id.
                throw new Error(`command '${id}' already exists`);
            }
            stub.commands.set(id, handler);
            return new Disposable(() => stub.commands.delete(id));
        },
        executeCommand(id, ...args) {
            const handler = stub.commands.get(id);
            if (handler) {
                return Promise.resolve(handler(...args));
            }
            stub.executedCommands.push({ id, args });
            return Promise.resolve(undefined);
        },
        getCommands() {
            return Promise.resolve([...stub.commands.keys()]);
        },
    },

    window: {
        get activeTextEditor() {
            return stub.activeTextEditor;
        },
        createOutputChannel: (name) => outputChannel(name),
        visibleTextEditors: [],
        tabGroups: { all: [], onDidChangeTabs: quietEvent(), onDidChangeTabGroups: quietEvent() },
        onDidChangeVisibleTextEditors: quietEvent(),
        onDidChangeActiveTextEditor: quietEvent(),
        createStatusBarItem(id, alignment, priority) {
            const item = { id, alignment, priority, text: '', tooltip: '', visible: false, show() { item.visible = true; }, hide() { item.visible = false; }, dispose() {} };
            stub.statusItems.push(item);
            return item;
        },
        showInformationMessage: showMessage('info'),
        showWarningMessage: showMessage('warning'),
        showErrorMessage: showMessage('error'),
        showQuickPick(items, options) {
            stub.quickPicks.push({ items, options });
            return Promise.resolve(stub.answerQuickPick(items, options));
        },
        showTextDocument(document, options) {
            stub.shownDocuments.push({ document, options });
            return Promise.resolve({ document, selection: new Selection(new Position(0, 0), new Position(0, 0)) });
        },
        withProgress(options, task) {
            stub.progressTitles.push(options.title);
            return Promise.resolve(task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: () => new Disposable() }));
        },
    },

    workspace: {
        get workspaceFolders() {
            return stub.workspaceFolders;
        },
        getConfiguration(section) {
            const prefix = section ? `${section}.` : '';
            return {
                get(key, defaultValue) {
                    const full = prefix + key;
                    return stub.settings.has(full) ? stub.settings.get(full) : defaultValue;
                },
                has(key) {
                    return stub.settings.has(prefix + key);
                },
            };
        },
        textDocuments: [],
        notebookDocuments: [],
        onDidOpenTextDocument: quietEvent(),
        onDidCloseTextDocument: quietEvent(),
        onDidChangeTextDocument: quietEvent(),
        onWillSaveTextDocument: quietEvent(),
        onDidSaveTextDocument: quietEvent(),
        onDidChangeWorkspaceFolders: quietEvent(),
        onDidOpenNotebookDocument: quietEvent(),
        onDidCloseNotebookDocument: quietEvent(),
        onDidChangeNotebookDocument: quietEvent(),
        onDidSaveNotebookDocument: quietEvent(),
        createFileSystemWatcher() {
            return { onDidCreate: quietEvent(), onDidChange: quietEvent(), onDidDelete: quietEvent(), dispose() {} };
        },
        onDidChangeConfiguration(listener) {
            return stub.configurationListeners.event(listener);
        },
        registerTextDocumentContentProvider(scheme, provider) {
            stub.contentProviders.set(scheme, provider);
            return new Disposable(() => stub.contentProviders.delete(scheme));
        },
        async openTextDocument(uri) {
            const provider = stub.contentProviders.get(uri.scheme);
            if (!provider) {
                throw new Error(`stub: no content provider for ${uri.toString()}`);
            }
            const text = await provider.provideTextDocumentContent(uri, { isCancellationRequested: false });
            return stub.document(uri, 'plaintext', text);
        },
        applyEdit(edit) {
            stub.appliedEdits.push(edit);
            return Promise.resolve(true);
        },
    },

    languages: {
        createDiagnosticCollection(name) {
            const entries = new Map();
            const collection = {
                name,
                set(uri, diagnostics) {
                    entries.set(uri.toString(), diagnostics);
                },
                get: (uri) => entries.get(uri.toString()),
                delete: (uri) => entries.delete(uri.toString()),
                clear: () => entries.clear(),
                forEach: (callback) => entries.forEach((value, key) => callback(Uri.parse(key), value)),
                has: (uri) => entries.has(uri.toString()),
                dispose: () => entries.clear(),
            };
            stub.diagnosticCollections.push(collection);
            return collection;
        },
        match(selector, document) {
            const filters = Array.isArray(selector) ? selector : [selector];
            return filters.some((f) => (typeof f === 'string' ? f === document.languageId : (!f.language || f.language === document.languageId) && (!f.scheme || f.scheme === document.uri.scheme))) ? 10 : 0;
        },
        registerCodeActionsProvider() {
            return new Disposable();
        },
        registerHoverProvider() {
            return new Disposable();
        },
        registerCodeLensProvider() {
            return new Disposable();
        },
        getDiagnostics(uri) {
            const fromCollections = stub.diagnosticCollections.flatMap((c) => c.get(uri) ?? []);
            return [...(stub.diagnostics.get(uri.toString()) ?? []), ...fromCollections];
        },
        getLanguages() {
            return Promise.resolve([...stub.languages]);
        },
        setTextDocumentLanguage(document, languageId) {
            return Promise.resolve({ ...document, languageId });
        },
    },

    extensions: {
        getExtension(id) {
            return stub.extensions.get(id);
        },
    },

    __stub: stub,
};

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
    if (request === 'vscode') {
        return vscode;
    }
    return originalLoad.call(this, request, parent, isMain);
};

module.exports = vscode;
