import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type {
    DynamicFeature,
    ExecuteCommandRegistrationOptions,
    RegistrationData,
    ServerCapabilities,
} from 'vscode-languageclient';

import { ExecuteCommandFeatureWithout } from '../src/commandFeature';
import { CLIENT_COMMANDS, SERVER_COMMANDS } from '../src/commands';

/** Records what the language client's ExecuteCommandFeature would register as VS Code commands. */
class RecordingFeature implements DynamicFeature<ExecuteCommandRegistrationOptions> {
    initialized: ServerCapabilities[] = [];
    registered: RegistrationData<ExecuteCommandRegistrationOptions>[] = [];
    unregistered: string[] = [];
    cleared = 0;
    capabilitiesFilled = 0;
    registrationType = { method: 'workspace/executeCommand' } as DynamicFeature<ExecuteCommandRegistrationOptions>['registrationType'];
    getState() {
        return { kind: 'workspace' as const, id: 'workspace/executeCommand', registrations: this.registered.length > 0 };
    }
    fillClientCapabilities(): void {
        this.capabilitiesFilled++;
    }
    initialize(capabilities: ServerCapabilities): void {
        this.initialized.push(capabilities);
    }
    register(data: RegistrationData<ExecuteCommandRegistrationOptions>): void {
        this.registered.push(data);
    }
    unregister(id: string): void {
        this.unregistered.push(id);
    }
    clear(): void {
        this.cleared++;
    }
}

const owned = new Set<string>(Object.values(CLIENT_COMMANDS));
const advertised = [SERVER_COMMANDS.liftAll, SERVER_COMMANDS.showProof, SERVER_COMMANDS.recheckProof];

describe('ExecuteCommandFeatureWithout', () => {
    it('keeps the commands this extension registers itself away from automatic registration', () => {
        const inner = new RecordingFeature();
        const feature = new ExecuteCommandFeatureWithout(inner, owned);
        feature.initialize({ executeCommandProvider: { commands: advertised }, hoverProvider: true }, undefined);
        assert.deepEqual(inner.initialized, [{ executeCommandProvider: { commands: ['tensorlift.liftAll'] }, hoverProvider: true }]);
    });

    it('filters dynamic registrations too, and forwards everything else', () => {
        const inner = new RecordingFeature();
        const feature = new ExecuteCommandFeatureWithout(inner, owned);
        feature.register({ id: 'r1', registerOptions: { commands: ['tensorlift.showProof', 'tensorlift.other'] } });
        feature.unregister('r1');
        feature.clear();
        feature.fillClientCapabilities({});
        assert.deepEqual(inner.registered, [{ id: 'r1', registerOptions: { commands: ['tensorlift.other'] } }]);
        assert.deepEqual(inner.unregistered, ['r1']);
        assert.equal(inner.cleared, 1);
        assert.equal(inner.capabilitiesFilled, 1);
        assert.equal(feature.registrationType.method, 'workspace/executeCommand');
    });

    it('passes capabilities without an executeCommandProvider through unchanged', () => {
        const inner = new RecordingFeature();
        const capabilities = { hoverProvider: true };
        new ExecuteCommandFeatureWithout(inner, owned).initialize(capabilities, undefined);
        assert.equal(inner.initialized[0], capabilities);
    });

    it('is needed: two server commands share their names with commands of this extension', () => {
        assert.deepEqual(advertised.filter((c) => owned.has(c)).sort(), ['tensorlift.recheckProof', 'tensorlift.showProof']);
    });
});
