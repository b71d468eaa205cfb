import { describe, expect, it } from 'vitest';
import { runFromNode } from '../../app/renderer/builder/model/node-reruns.js';

describe('Run from here on a node', () => {
  it("goes again from the node's one task run once the last run is finished", () => {
    expect(runFromNode('finished', [{ taskRunId: 't1' }])).toEqual({ taskRunId: 't1' });
  });

  it('says why not before a run, while it goes, and for a node that ran never or many times', () => {
    expect(runFromNode('idle', [])).toEqual({ reason: 'Run the flow first: Run from here goes again from this step of the last run.' });
    expect(runFromNode('failed-to-start', [])).toEqual({ reason: 'Run the flow first: Run from here goes again from this step of the last run.' });
    expect(runFromNode('running', [{ taskRunId: 't1' }])).toEqual({ reason: 'The last run is not finished yet.' });
    expect(runFromNode('starting', [])).toEqual({ reason: 'The last run is not finished yet.' });
    expect(runFromNode('finished', [])).toEqual({ reason: 'This step did not run in the last run.' });
    expect(runFromNode('finished', [{ taskRunId: 't1' }, { taskRunId: 't2' }, { taskRunId: 't3' }])).toEqual({
      reason: "This step ran 3 times in the last run: pick one of them on the run's page.",
    });
  });
});
