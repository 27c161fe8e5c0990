/**
 * A filter around vscode-languageclient's ExecuteCommandFeature. Only type imports from the language client,
 * so it loads without VS Code and is tested on its own.
 */

import type {
    ClientCapabilities,
    DocumentSelector,
    DynamicFeature,
    ExecuteCommandRegistrationOptions,
    FeatureState,
    RegistrationData,
    RegistrationType,
    ServerCapabilities,
} from 'vscode-languageclient';

/**
 * vscode-languageclient registers every command the server advertises as a VS Code command of the same
 * name. `tensorlift.showProof` and `tensorlift.recheckProof` are both server commands and commands of this
 * extension (which call the server themselves), so those are left out of the automatic registration;
 * the rest (e.g. `tensorlift.liftAll`, used by code actions) are still registered.
 */
export class ExecuteCommandFeatureWithout implements DynamicFeature<ExecuteCommandRegistrationOptions> {
    constructor(
        private readonly inner: DynamicFeature<ExecuteCommandRegistrationOptions>,
        private readonly excluded: ReadonlySet<string>,
    ) {}

    get registrationType(): RegistrationType<ExecuteCommandRegistrationOptions> {
        return this.inner.registrationType;
    }

    getState(): FeatureState {
        return this.inner.getState();
    }

    fillClientCapabilities(capabilities: ClientCapabilities): void {
        this.inner.fillClientCapabilities(capabilities);
    }

    initialize(capabilities: ServerCapabilities, documentSelector: DocumentSelector | undefined): void {
        const provider = capabilities.executeCommandProvider;
        const filtered = provider ? { ...capabilities, executeCommandProvider: { ...provider, commands: this.keep(provider.commands) } } : capabilities;
        this.inner.initialize(filtered, documentSelector);
    }

    register(data: RegistrationData<ExecuteCommandRegistrationOptions>): void {
        this.inner.register({ ...data, registerOptions: { ...data.registerOptions, commands: this.keep(data.registerOptions.commands) } });
    }

    unregister(id: string): void {
        this.inner.unregister(id);
    }

    clear(): void {
        this.inner.clear();
    }

    private keep(commands: string[] | undefined): string[] {
        return (commands ?? []).filter((command) => !this.excluded.has(command));
    }
}
