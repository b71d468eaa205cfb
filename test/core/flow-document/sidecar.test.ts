import { describe, expect, it } from 'vitest';
import {
  applyEdit,
  parseFlowModule,
  parseSidecar,
  reconcilePositions,
  serializeSidecar,
  sidecarPathFor,
  type Sidecar,
} from '../../../app/core/flow-document/index.js';
import { USERS_ETL } from './support.js';

describe('sidecar', () => {
  it('lives beside the flow file', () => {
    expect(sidecarPathFor('flows/users-etl.ts')).toBe('flows/users-etl.flowdeck.json');
    expect(sidecarPathFor('C:\\flows\\nightly.mts')).toBe('C:\\flows\\nightly.flowdeck.json');
    expect(sidecarPathFor('README')).toBe('README.flowdeck.json');
  });

  it('reads what it writes', () => {
    const sidecar: Sidecar = { version: 1, nodes: { fetchUsers: { x: 10, y: -20.5 }, cleanUsers: { x: 200, y: 0 } } };
    const text = serializeSidecar(sidecar);
    expect(text).toBe(
      '{\n  "version": 1,\n  "nodes": {\n    "fetchUsers": {\n      "x": 10,\n      "y": -20.5\n    },\n    "cleanUsers": {\n      "x": 200,\n      "y": 0\n    }\n  }\n}\n',
    );
    expect(parseSidecar(text)).toEqual({ ok: true, sidecar });
  });

  it('says what is wrong with a malformed file instead of throwing', () => {
    expect(parseSidecar('{"version": 1, "nodes": {')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^The layout file is not valid JSON: /),
    });
    expect(parseSidecar('')).toEqual({ ok: false, error: 'The layout file is empty; expected {"version": 1, "nodes": {...}}' });
    expect(parseSidecar('{"version": 2, "nodes": {}}')).toEqual({ ok: false, error: 'The layout file has version 2; this Flowdeck reads version 1' });
    expect(parseSidecar('{"version": 1, "nodes": {"a": {"x": "10", "y": 0}}}')).toEqual({
      ok: false,
      error: 'The layout file is malformed at nodes.a.x: Invalid input: expected number, received string',
    });
    expect(parseSidecar('[]')).toMatchObject({ ok: false, error: expect.stringMatching(/^The layout file is malformed at the top level/) });
  });

  it('keeps positions of nodes that still exist, follows renames and drops the rest', () => {
    const graph = parseFlowModule(USERS_ETL).graph;
    const sidecar: Sidecar = { version: 1, nodes: { fetchUsers: { x: 0, y: 0 }, cleanUsers: { x: 100, y: 0 }, gone: { x: 5, y: 5 } } };
    expect(reconcilePositions(sidecar, graph)).toEqual({ version: 1, nodes: { fetchUsers: { x: 0, y: 0 }, cleanUsers: { x: 100, y: 0 } } });
    const renamed = parseFlowModule(applyEdit(USERS_ETL, { type: 'renameNode', id: 'cleanUsers', newId: 'scrubUsers' })).graph;
    expect(reconcilePositions(sidecar, renamed, { renames: { cleanUsers: 'scrubUsers' } }).nodes).toEqual({
      fetchUsers: { x: 0, y: 0 },
      scrubUsers: { x: 100, y: 0 },
    });
    // Renamed in the code editor: recognised from the graph before, by kind and name.
    const byHand = parseFlowModule(USERS_ETL.replaceAll('cleanUsers', 'tidyUsers')).graph;
    expect(reconcilePositions(sidecar, byHand, { previous: graph }).nodes).toEqual({ fetchUsers: { x: 0, y: 0 }, tidyUsers: { x: 100, y: 0 } });
  });

  it("keeps a branch's place when its condition, and so its id, changes", () => {
    const graph = parseFlowModule(USERS_ETL).graph;
    const after = parseFlowModule(USERS_ETL.replace('cleaned.length > 0', 'cleaned.length > 10')).graph;
    const sidecar: Sidecar = { version: 1, nodes: { ifCleanedLength: { x: 1, y: 2 } } };
    expect(after.nodes.find((n) => n.kind === 'branch')!.id).toBe('ifCleanedLength');
    const changed = parseFlowModule(USERS_ETL.replace('cleaned.length > 0', 'params.limit > 0')).graph;
    expect(reconcilePositions(sidecar, changed, { previous: graph }).nodes).toEqual({ ifLimit: { x: 1, y: 2 } });
  });

  it('keeps breakpoints and pins beside the positions, and writes them only when there are some', () => {
    const sidecar: Sidecar = {
      version: 1,
      nodes: { fetchUsers: { x: 0, y: 0 } },
      breakpoints: ['cleanUsers'],
      pins: { fetchUsers: { body: [{ id: 1 }] }, countUsers: null },
    };
    const text = serializeSidecar(sidecar);
    expect(JSON.parse(text)).toEqual(sidecar);
    expect(parseSidecar(text)).toEqual({ ok: true, sidecar });
    // A file written before there were breakpoints reads as it did, and none are written for it.
    const plain = '{\n  "version": 1,\n  "nodes": {}\n}\n';
    expect(parseSidecar(plain)).toEqual({ ok: true, sidecar: { version: 1, nodes: {} } });
    expect(serializeSidecar({ version: 1, nodes: {}, breakpoints: [], pins: {} })).toBe(plain);
  });

  it('says which breakpoint or pin entry is malformed', () => {
    expect(parseSidecar('{"version": 1, "nodes": {}, "breakpoints": ["a", 2]}')).toEqual({
      ok: false,
      error: 'The layout file is malformed at breakpoints.1: Invalid input: expected string, received number',
    });
    expect(parseSidecar('{"version": 1, "nodes": {}, "breakpoints": "a"}')).toEqual({
      ok: false,
      error: 'The layout file is malformed at breakpoints: Invalid input: expected array, received string',
    });
    expect(parseSidecar('{"version": 1, "nodes": {}, "pins": [1]}')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^The layout file is malformed at pins: Invalid input: expected record, received array/),
    });
  });

  it('carries breakpoints and pins over renames and drops those of deleted nodes', () => {
    const graph = parseFlowModule(USERS_ETL).graph;
    const sidecar: Sidecar = {
      version: 1,
      nodes: { fetchUsers: { x: 0, y: 0 }, cleanUsers: { x: 100, y: 0 } },
      breakpoints: ['cleanUsers', 'gone', 'countUsers'],
      pins: { cleanUsers: [1, 2], gone: 'x' },
    };
    expect(reconcilePositions(sidecar, graph)).toMatchObject({ breakpoints: ['cleanUsers', 'countUsers'], pins: { cleanUsers: [1, 2] } });
    const renamed = parseFlowModule(applyEdit(USERS_ETL, { type: 'renameNode', id: 'cleanUsers', newId: 'scrubUsers' })).graph;
    expect(reconcilePositions(sidecar, renamed, { renames: { cleanUsers: 'scrubUsers' } })).toMatchObject({
      breakpoints: ['scrubUsers', 'countUsers'],
      pins: { scrubUsers: [1, 2] },
    });
    const byHand = parseFlowModule(USERS_ETL.replaceAll('cleanUsers', 'tidyUsers')).graph;
    expect(reconcilePositions(sidecar, byHand, { previous: graph })).toMatchObject({
      breakpoints: ['tidyUsers', 'countUsers'],
      pins: { tidyUsers: [1, 2] },
    });
    const removed = parseFlowModule(applyEdit(USERS_ETL, { type: 'removeNode', id: 'countUsers' })).graph;
    expect(reconcilePositions(sidecar, removed).breakpoints).toEqual(['cleanUsers']);
  });
});
