// The SDK's artifact functions in flows and tasks, recording into a real store through the CLI's
// local artifact source: each artifact belongs to the run it was made in, and misuse is refused
// with an error that says what was wrong.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalArtifactsSource } from '../../app/cli/artifacts/local-artifacts-source.js';
import { configureEngine } from '../../app/engine/hosting.js';
import {
  createLinkArtifact,
  createMarkdownArtifact,
  createProgressArtifact,
  createTableArtifact,
  flow,
  getRunContext,
  task,
  updateProgressArtifact,
} from '../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';

let engine: EngineStore;
beforeEach(async () => {
  engine = await useEngineStore();
  configureEngine({ artifacts: new LocalArtifactsSource(engine.store) });
});
afterEach(async () => {
  configureEngine({ artifacts: null });
  await engine.dispose();
});

describe('artifacts from flow code', () => {
  it('belong to the flow run, and to the task run when a task makes them', async () => {
    let ids: { flowRunId: string; taskRunId?: string } = { flowRunId: '' };
    const tabulate = task({ name: 'tabulate' }, async () => {
      ids = { flowRunId: getRunContext().flowRun.id, taskRunId: getRunContext().taskRun!.id };
      return createTableArtifact({ n: [1, 2], when: [new Date(0), undefined] }, { key: 'numbers' });
    });
    const made = flow({ name: 'makes-artifacts' }, async () => {
      const bar = await createProgressArtifact(0, { key: 'progress', description: 'how far' });
      const tableId = await tabulate();
      await updateProgressArtifact(bar, 100);
      const noteId = await createMarkdownArtifact('# done');
      const linkId = await createLinkArtifact('https://example.com', { key: 'site' });
      return { bar, tableId, noteId, linkId };
    });
    const result = await made();
    const store = engine.store;
    expect(await store.getArtifact(result.bar)).toMatchObject({
      type: 'progress',
      data: 100,
      key: 'progress',
      description: 'how far',
      flowRunId: ids.flowRunId,
      taskRunId: null,
    });
    // Dates as text, and a missing cell as null, as JSON keeps them.
    expect(await store.getArtifact(result.tableId)).toMatchObject({
      type: 'table',
      data: { n: [1, 2], when: ['1970-01-01T00:00:00.000Z', null] },
      flowRunId: ids.flowRunId,
      taskRunId: ids.taskRunId,
    });
    expect(await store.getArtifact(result.noteId)).toMatchObject({ type: 'markdown', data: '# done', key: null });
    expect(await store.getArtifact(result.linkId)).toMatchObject({ type: 'link', data: { link: 'https://example.com', linkText: null } });
  });

  it('are refused outside a run, and with a bad key, table or progress, saying which', async () => {
    await expect(createMarkdownArtifact('# x')).rejects.toThrow('createMarkdownArtifact() was called outside a flow or task run');
    const attempts: [() => Promise<unknown>, string][] = [
      [
        () => createMarkdownArtifact('x', { key: 'Has Space' }),
        "createMarkdownArtifact(): the key must be lowercase letters, digits and dashes only, got 'Has Space'",
      ],
      [
        () => createTableArtifact([1, 2] as never),
        'createTableArtifact(): the table must be a list of row objects, a dict of columns (each a list), or a list of lists',
      ],
      [() => createProgressArtifact(120), 'createProgressArtifact(): the progress must be from 0 to 100, got 120'],
      [() => updateProgressArtifact('whatever', -1), 'updateProgressArtifact(): the progress must be from 0 to 100, got -1'],
      [() => createLinkArtifact(''), 'createLinkArtifact(): the link must be a non-empty string'],
    ];
    const tries = flow({ name: 'misuses-artifacts' }, async () => {
      const messages: string[] = [];
      for (const [attempt] of attempts)
        messages.push(
          await attempt().then(
            () => 'no error',
            (error: Error) => error.message,
          ),
        );
      messages.push(
        await updateProgressArtifact('no-such-artifact', 5).then(
          () => 'no error',
          (error: Error) => error.message,
        ),
      );
      return messages;
    });
    expect(await tries()).toEqual([...attempts.map(([, message]) => message), 'no artifact no-such-artifact']);
    expect((await engine.store.listArtifacts({ limit: 50 })).items).toEqual([]);
  });
});
