/**
 * VS Code settings → the server's configuration object. Pure: no `vscode` import.
 *
 * The server reads the section `tensorlift` both from `initializationOptions` and from
 * `workspace/configuration`; both get exactly the object built here, so the server sees one shape:
 *
 *   { targets, budget, proofMode, bound, intModel, floatModel, severity,
 *     llm: { baseUrl, model, apiKeyEnv }, rulePaths }
 *
 * Empty strings in the `llm` settings become `null` ("not configured"). `apiKeyEnv` is the NAME of an
 * environment variable; the key itself never passes through the editor.
 */

export const SECTION = 'tensorlift';

export const TARGETS = ['numpy', 'torch', 'tensorflow', 'jax', 'mlx', 'gemmini'] as const;
export type Target = (typeof TARGETS)[number];
export const PROOF_MODES = ['inductive', 'bounded'] as const;
export const INT_MODELS = ['ideal', 'wrap32'] as const;
export const FLOAT_MODELS = ['real', 'ieee'] as const;
export const SEVERITIES = ['hint', 'information', 'warning'] as const;

export interface LlmOptions {
    baseUrl: string | null;
    model: string | null;
    apiKeyEnv: string | null;
}

export interface ServerOptions {
    targets: Target[];
    budget: number;
    proofMode: (typeof PROOF_MODES)[number];
    bound: number;
    intModel: (typeof INT_MODELS)[number];
    floatModel: (typeof FLOAT_MODELS)[number];
    severity: (typeof SEVERITIES)[number];
    llm: LlmOptions;
    rulePaths: string[];
}

/** The defaults, identical to those contributed in package.json (a test checks it). */
export const DEFAULTS: Readonly<ServerOptions> = Object.freeze({
    targets: ['numpy'] as Target[],
    budget: 10,
    proofMode: 'inductive',
    bound: 4,
    intModel: 'ideal',
    floatModel: 'real',
    severity: 'hint',
    llm: { baseUrl: null, model: null, apiKeyEnv: null },
    rulePaths: [],
});

/** The part of `vscode.WorkspaceConfiguration` used here: keys relative to the `tensorlift` section. */
export interface ConfigurationReader {
    get<T>(key: string): T | undefined;
}

/** Settings whose change means a different server process: restart instead of notifying. */
export const RESTART_SETTINGS = ['tensorlift.path', 'tensorlift.interpreter'] as const;

export function needsRestart(affectsConfiguration: (key: string) => boolean): boolean {
    return RESTART_SETTINGS.some((key) => affectsConfiguration(key));
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
    return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function optionalString(value: unknown): string | null {
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Map the settings of the `tensorlift` section to the server's options; invalid values fall back to defaults. */
export function toServerOptions(config: ConfigurationReader): ServerOptions {
    const rawTargets = config.get<unknown>('targets');
    let targets: Target[] = [...DEFAULTS.targets];
    if (Array.isArray(rawTargets)) {
        const valid = rawTargets.filter((t): t is Target => (TARGETS as readonly unknown[]).includes(t));
        const unique = [...new Set(valid)];
        if (unique.length > 0) {
            targets = unique;
        }
    }

    const rawBudget = config.get<unknown>('budget');
    const budget = typeof rawBudget === 'number' && Number.isFinite(rawBudget) && rawBudget > 0 ? rawBudget : DEFAULTS.budget;

    const rawBound = config.get<unknown>('bound');
    const bound = typeof rawBound === 'number' && Number.isInteger(rawBound) && rawBound >= 1 ? rawBound : DEFAULTS.bound;

    const rawRulePaths = config.get<unknown>('rulePaths');
    const rulePaths = Array.isArray(rawRulePaths)
        ? rawRulePaths.filter((p): p is string => typeof p === 'string' && p.trim() !== '')
        : [];

    return {
        targets,
        budget,
        proofMode: oneOf(config.get('proofMode'), PROOF_MODES, DEFAULTS.proofMode),
        bound,
        intModel: oneOf(config.get('intModel'), INT_MODELS, DEFAULTS.intModel),
        floatModel: oneOf(config.get('floatModel'), FLOAT_MODELS, DEFAULTS.floatModel),
        severity: oneOf(config.get('severity'), SEVERITIES, DEFAULTS.severity),
        llm: {
            baseUrl: optionalString(config.get('llm.baseUrl')),
            model: optionalString(config.get('llm.model')),
            apiKeyEnv: optionalString(config.get('llm.apiKeyEnv')),
        },
        rulePaths,
    };
}

/**
 * Answer one item of a `workspace/configuration` request. `section` is the item's section (`tensorlift`,
 * `tensorlift.llm`, ...); `read` gives the settings for the item's scope. Returns `undefined` for a section
 * that is not ours, so the caller keeps the default answer.
 */
export function configurationItem(
    section: string | undefined | null,
    read: () => ConfigurationReader,
): { handled: true; value: unknown } | { handled: false } {
    if (section !== SECTION && !section?.startsWith(`${SECTION}.`)) {
        return { handled: false };
    }
    let value: unknown = toServerOptions(read());
    for (const key of section.split('.').slice(1)) {
        value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
    return { handled: true, value: value ?? null };
}
