/** The active interpreter of the Python extension (`ms-python.python`), when it is installed. */

import * as vscode from 'vscode';

export const PYTHON_EXTENSION_ID = 'ms-python.python';

/** The slice of the Python extension's API used here (`environments`, stable since 2023). */
interface PythonEnvironmentsApi {
    environments?: {
        getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string } | undefined;
        resolveEnvironment?(
            environment: { id: string; path: string } | string,
        ): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
        onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
    };
}

async function pythonApi(): Promise<PythonEnvironmentsApi | undefined> {
    const extension = vscode.extensions.getExtension<PythonEnvironmentsApi>(PYTHON_EXTENSION_ID);
    if (extension === undefined) {
        return undefined;
    }
    if (!extension.isActive) {
        await extension.activate();
    }
    return extension.exports;
}

/** The Python executable the Python extension has selected for the first workspace folder, if any. */
export async function activeInterpreter(): Promise<string | undefined> {
    const environments = (await pythonApi())?.environments;
    if (environments === undefined) {
        return undefined;
    }
    const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
    const active = environments.getActiveEnvironmentPath(resource);
    if (active === undefined) {
        return undefined;
    }
    const resolved = await environments.resolveEnvironment?.(active);
    return resolved?.executable?.uri?.fsPath ?? active.path;
}

/** Call `listener` when the user picks another interpreter in the Python extension. */
export async function onDidChangeActiveInterpreter(listener: () => void): Promise<vscode.Disposable | undefined> {
    const event = (await pythonApi())?.environments?.onDidChangeActiveEnvironmentPath;
    return event?.(() => listener());
}
