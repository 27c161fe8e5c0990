import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { presentStatus, ProgressTracker } from '../src/status';

describe('presentStatus', () => {
    it('shows starting, ready, error and lifting', () => {
        assert.equal(presentStatus('starting', 0).text, '$(sync~spin) tensorlift');
        assert.equal(presentStatus('ready', 0).text, '$(check) tensorlift');
        assert.equal(presentStatus('ready', 2).text, '$(sync~spin) tensorlift: lifting');
        assert.match(presentStatus('ready', 2).tooltip, /2 tasks/);
        assert.equal(presentStatus('error', 0, 'boom').isError, true);
        assert.match(presentStatus('error', 0, 'boom').tooltip, /boom/);
        assert.equal(presentStatus('ready', 0).isError, false);
    });
});

describe('ProgressTracker', () => {
    it('counts tokens between begin and end, and reports changes only', () => {
        const counts: number[] = [];
        const tracker = new ProgressTracker((count) => counts.push(count));
        tracker.update('a', { kind: 'begin', title: 'Lifting' });
        tracker.update('a', { kind: 'report', percentage: 50 });
        tracker.update(7, { kind: 'begin' });
        tracker.update('a', { kind: 'end' });
        tracker.update('unknown', { kind: 'end' });
        tracker.update('b', 'garbage');
        assert.equal(tracker.count, 1);
        tracker.clear();
        assert.deepEqual(counts, [1, 2, 1, 0]);
    });
});
