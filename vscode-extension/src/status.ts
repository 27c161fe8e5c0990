/** What the status-bar item says. Pure: no `vscode` import. */

export type ServerState = 'stopped' | 'starting' | 'ready' | 'error';

export interface StatusPresentation {
    readonly text: string;
    readonly tooltip: string;
    /** Draw the item with the error background. */
    readonly isError: boolean;
}

/**
 * @param state   the server's state
 * @param lifting how many work-done progress reports are active (lifts under way)
 * @param detail  extra text for the tooltip (the error message, the server command)
 */
export function presentStatus(state: ServerState, lifting: number, detail = ''): StatusPresentation {
    const suffix = detail ? `\n${detail}` : '';
    switch (state) {
        case 'starting':
            return { text: '$(sync~spin) tensorlift', tooltip: `tensorlift: starting the language server${suffix}`, isError: false };
        case 'error':
            return { text: '$(error) tensorlift', tooltip: `tensorlift: the language server is not running${suffix}`, isError: true };
        case 'stopped':
            return { text: '$(circle-slash) tensorlift', tooltip: `tensorlift: stopped${suffix}`, isError: false };
        case 'ready':
            if (lifting > 0) {
                return {
                    text: '$(sync~spin) tensorlift: lifting',
                    tooltip: `tensorlift: lifting (${lifting} task${lifting === 1 ? '' : 's'})${suffix}`,
                    isError: false,
                };
            }
            return { text: '$(check) tensorlift', tooltip: `tensorlift: ready${suffix}`, isError: false };
    }
}

/**
 * Counts active work-done progress tokens from the `value` of `$/progress` notifications
 * (`{kind: 'begin' | 'report' | 'end'}`).
 */
export class ProgressTracker {
    private readonly active = new Set<string | number>();

    constructor(private readonly onChange: (count: number) => void) {}

    get count(): number {
        return this.active.size;
    }

    update(token: string | number, value: unknown): void {
        const kind = value !== null && typeof value === 'object' ? (value as { kind?: unknown }).kind : undefined;
        const before = this.active.size;
        if (kind === 'begin' || kind === 'report') {
            this.active.add(token);
        } else if (kind === 'end') {
            this.active.delete(token);
        }
        if (this.active.size !== before) {
            this.onChange(this.active.size);
        }
    }

    clear(): void {
        if (this.active.size > 0) {
            this.active.clear();
            this.onChange(0);
        }
    }
}
