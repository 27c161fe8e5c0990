import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import {
    configurationItem,
    type ConfigurationReader,
    DEFAULTS,
    FLOAT_MODELS,
    INT_MODELS,
    needsRestart,
    PROOF_MODES,
    SEVERITIES,
    TARGETS,
    toServerOptions,
} from '../src/settings';
import { PACKAGE_JSON } from './helpers';

interface SettingSchema {
    type?: string | string[];
    default?: unknown;
    enum?: unknown[];
    items?: { type?: string; enum?: unknown[] };
    description?: string;
    markdownDescription?: string;
    scope?: string;
}

const manifest = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as {
    contributes: { configuration: { properties: Record<string, SettingSchema> } };
};
const properties = manifest.contributes.configuration.properties;

/** A reader over `tensorlift.*` settings given by their full keys, as `getConfiguration('tensorlift')` is. */
function reader(settings: Record<string, unknown>): ConfigurationReader {
    return {
        get<T>(key: string): T | undefined {
            return settings[`tensorlift.${key}`] as T | undefined;
        },
    };
}

/** What VS Code returns when nothing is set: the defaults contributed in package.json. */
function packageDefaults(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key, schema.default]));
}

describe('contributed settings', () => {
    it('are exactly the documented ones', () => {
        assert.deepEqual(Object.keys(properties).sort(), [
            'tensorlift.bound',
            'tensorlift.budget',
            'tensorlift.floatModel',
            'tensorlift.intModel',
            'tensorlift.interpreter',
            'tensorlift.llm.apiKeyEnv',
            'tensorlift.llm.baseUrl',
            'tensorlift.llm.model',
            'tensorlift.path',
            'tensorlift.proofMode',
            'tensorlift.rulePaths',
            'tensorlift.severity',
            'tensorlift.targets',
            'tensorlift.trace.server',
        ]);
    });

    it('each have a description and a default', () => {
        for (const [key, schema] of Object.entries(properties)) {
            assert.ok(schema.description ?? schema.markdownDescription, `${key} has a description`);
            assert.ok('default' in schema, `${key} has a default`);
        }
    });

    it('offer the same choices as the server options', () => {
        assert.deepEqual(properties['tensorlift.targets']?.items?.enum, [...TARGETS]);
        assert.deepEqual(properties['tensorlift.proofMode']?.enum, [...PROOF_MODES]);
        assert.deepEqual(properties['tensorlift.intModel']?.enum, [...INT_MODELS]);
        assert.deepEqual(properties['tensorlift.floatModel']?.enum, [...FLOAT_MODELS]);
        assert.deepEqual(properties['tensorlift.severity']?.enum, [...SEVERITIES]);
        assert.deepEqual(properties['tensorlift.trace.server']?.enum, ['off', 'messages', 'verbose']);
    });
});

describe('toServerOptions', () => {
    it('maps the package.json defaults to the exact initializationOptions object', () => {
        const options = toServerOptions(reader(packageDefaults()));
        const expected = {
            targets: ['numpy'],
            budget: 10,
            proofMode: 'inductive',
            bound: 4,
            intModel: 'ideal',
            floatModel: 'real',
            severity: 'hint',
            llm: { baseUrl: null, model: null, apiKeyEnv: null },
            rulePaths: [],
        };
        assert.deepEqual(options, expected);
        // Same keys in the same order, nothing extra (deepEqual ignores key order).
        assert.deepEqual(Object.keys(options), Object.keys(expected));
        assert.deepEqual(Object.keys(options.llm), ['baseUrl', 'model', 'apiKeyEnv']);
        assert.deepEqual(options, DEFAULTS);
    });

    it('maps every setting to its camelCase key', () => {
        const options = toServerOptions(
            reader({
                'tensorlift.targets': ['torch', 'gemmini', 'jax'],
                'tensorlift.budget': 2.5,
                'tensorlift.proofMode': 'bounded',
                'tensorlift.bound': 6,
                'tensorlift.intModel': 'wrap32',
                'tensorlift.floatModel': 'ieee',
                'tensorlift.severity': 'warning',
                'tensorlift.llm.baseUrl': 'http://localhost:8080/v1',
                'tensorlift.llm.model': 'qwen2.5-coder',
                'tensorlift.llm.apiKeyEnv': 'OPENAI_API_KEY',
                'tensorlift.rulePaths': ['/rules/a', 'rules/b'],
                'tensorlift.path': '/usr/bin/tensorlift',
                'tensorlift.interpreter': '/usr/bin/python3',
            }),
        );
        assert.deepEqual(options, {
            targets: ['torch', 'gemmini', 'jax'],
            budget: 2.5,
            proofMode: 'bounded',
            bound: 6,
            intModel: 'wrap32',
            floatModel: 'ieee',
            severity: 'warning',
            llm: { baseUrl: 'http://localhost:8080/v1', model: 'qwen2.5-coder', apiKeyEnv: 'OPENAI_API_KEY' },
            rulePaths: ['/rules/a', 'rules/b'],
        });
    });

    it('falls back to the defaults for invalid values', () => {
        const options = toServerOptions(
            reader({
                'tensorlift.targets': ['cuda', 7],
                'tensorlift.budget': -1,
                'tensorlift.proofMode': 'maybe',
                'tensorlift.bound': 2.5,
                'tensorlift.intModel': 'wrap64',
                'tensorlift.floatModel': 3,
                'tensorlift.severity': 'error',
                'tensorlift.llm.baseUrl': '   ',
                'tensorlift.rulePaths': 'not-an-array',
            }),
        );
        assert.deepEqual(options, DEFAULTS);
    });

    it('drops unknown and repeated targets but keeps the valid ones in order', () => {
        const options = toServerOptions(reader({ 'tensorlift.targets': ['jax', 'cuda', 'numpy', 'jax'] }));
        assert.deepEqual(options.targets, ['jax', 'numpy']);
    });
});

describe('workspace/configuration answers', () => {
    const read = () => reader({ 'tensorlift.budget': 3, 'tensorlift.llm.model': 'm' });
    it('answer the tensorlift section with the mapped options', () => {
        const answer = configurationItem('tensorlift', read);
        assert.deepEqual(answer, { handled: true, value: { ...DEFAULTS, budget: 3, llm: { baseUrl: null, model: 'm', apiKeyEnv: null } } });
    });
    it('answer a subsection with that part', () => {
        assert.deepEqual(configurationItem('tensorlift.llm', read), { handled: true, value: { baseUrl: null, model: 'm', apiKeyEnv: null } });
        assert.deepEqual(configurationItem('tensorlift.budget', read), { handled: true, value: 3 });
        assert.deepEqual(configurationItem('tensorlift.nothing', read), { handled: true, value: null });
    });
    it('leave other sections to the default answer', () => {
        assert.deepEqual(configurationItem('python', read), { handled: false });
        assert.deepEqual(configurationItem('tensorliftish', read), { handled: false });
        assert.deepEqual(configurationItem(undefined, read), { handled: false });
    });
});

describe('needsRestart', () => {
    it('is true for tensorlift.path and tensorlift.interpreter only', () => {
        assert.equal(needsRestart((key) => key === 'tensorlift.path'), true);
        assert.equal(needsRestart((key) => key === 'tensorlift.interpreter'), true);
        assert.equal(needsRestart((key) => key === 'tensorlift.budget'), false);
    });
});
