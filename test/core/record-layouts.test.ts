// The layouts the CLI prints local records in, held to the API's schemas: same keys, same order,
// nested records too, and a record laid out is what the schema would parse it into.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConcurrencyLimitSchema, FlowRunSchema, FlowRunSummarySchema, StateSchema, StoredLogSchema, TaskRunSchema } from '../../app/core/index.js';
import {
  CONCURRENCY_LIMIT_LAYOUT,
  FLOW_RUN_LAYOUT,
  FLOW_RUN_SUMMARY_LAYOUT,
  inLayout,
  STATE_LAYOUT,
  STORED_LOG_LAYOUT,
  TASK_RUN_LAYOUT,
  type RecordLayout,
} from '../../app/core/record-layouts.js';

type Entries = [string, Entries | true][];

/** A schema's object keys in order, each object inside one (optional, nullable or with a default) laid out in turn. */
function schemaEntries(schema: z.ZodType): Entries | true {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable || inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
  if (!(inner instanceof z.ZodObject)) return true;
  return Object.entries(inner.shape as Record<string, z.ZodType>).map(([key, value]) => [key, schemaEntries(value)]);
}

function layoutEntries(layout: RecordLayout): Entries {
  return Object.entries(layout).map(([key, inner]) => [key, inner === true ? true : layoutEntries(inner)]);
}

const PAIRS: [string, z.ZodType, RecordLayout][] = [
  ['state', StateSchema, STATE_LAYOUT],
  ['flow run', FlowRunSchema, FLOW_RUN_LAYOUT],
  ['flow run summary', FlowRunSummarySchema, FLOW_RUN_SUMMARY_LAYOUT],
  ['task run', TaskRunSchema, TASK_RUN_LAYOUT],
  ['stored log line', StoredLogSchema, STORED_LOG_LAYOUT],
  ['concurrency limit', ConcurrencyLimitSchema, CONCURRENCY_LIMIT_LAYOUT],
];

describe('record layouts', () => {
  it.each(PAIRS)('lay out a %s with the keys of its schema, in its order', (_name, schema, layout) => {
    expect(layoutEntries(layout)).toEqual(schemaEntries(schema));
  });

  it('lay a record out as the schema parses it: keys in order, unknown keys and undefined values left out', () => {
    const run = {
      codeRef: 'storage/code/abc.mjs',
      rerunOf: { taskRunId: 't3', flowRunId: 'r0' },
      result: null,
      pause: { timeoutAt: null, inputSchema: null, reason: 'approve', pauseId: 'p1' },
      hostname: 'box',
      pid: 7,
      heartbeatAt: null,
      endTime: null,
      startTime: 2,
      createdAt: 1,
      retryPolicy: { retryDelaySeconds: [1, 5], retries: 2 },
      runCount: 1,
      entrypoint: null,
      parentTaskRunId: null,
      parentFlowRunId: null,
      tags: ['a'],
      parameters: { b: 2, a: 1 },
      state: { attempt: 1, timestamp: 3, name: 'Paused', type: 'PAUSED', message: undefined, error: { message: 'm', name: 'E' } },
      name: 'calm-otter',
      flowName: 'etl',
      flowId: 'f1',
      id: 'r1',
      extra: 'dropped',
    };
    const laidOut = inLayout(run, FLOW_RUN_LAYOUT);
    expect(JSON.stringify(laidOut)).toBe(JSON.stringify(FlowRunSchema.parse(run)));
    expect(Object.keys(laidOut)[0]).toBe('id');
  });
});
