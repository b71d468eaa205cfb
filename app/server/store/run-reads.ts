import type Database from 'better-sqlite3';
import type { Flow, RunIdProblem } from '../../core/api/index.js';
import { RUN_ID_PREFIX_MIN } from '../../core/api/run-id-rules.js';
import type { FlowRun, FlowRunFilter, FlowRunSummary, RunKind, State, StateType, StoredLog, TaskRun } from '../../core/index.js';
import { flowRunPageQuery, textCandidates, STATE_COLUMNS, type FlowRunCursor, type FlowRunPageFilter } from './flow-run-page-query.js';
import {
  flowRunFromRow,
  flowRunSummaryFromRow,
  logFromRow,
  stateFromRow,
  taskRunFromRow,
  type FlowRunRow,
  type LogRow,
  type StateRow,
  type TaskRunRow,
} from './rows.js';

const SELECT_FLOW_RUNS = `SELECT r.*, ${STATE_COLUMNS} FROM flow_runs r JOIN states s ON s.id = r.state_id`;
const SELECT_TASK_RUNS = `SELECT r.*, ${STATE_COLUMNS} FROM task_runs r JOIN states s ON s.id = r.state_id`;

export { flowRunPageQuery, type FlowRunCursor, type FlowRunPageFilter } from './flow-run-page-query.js';

/** A stored state with the run it belongs to, as the event stream delivers it. */
export interface StoredStateEntry {
  /** The states row id: grows with every state stored. */
  id: number;
  kind: RunKind;
  runId: string;
  /** The run itself for a flow run; the task run's flow run for a task run. */
  flowRunId: string;
  state: State;
}

/** Which rows after an id to read, for the event stream. */
export interface RowsAfter {
  /** Only rows of this flow run (for states: of the run itself and of its task runs). */
  flowRunId?: string;
  /** No rows past this id. */
  upToId?: number;
  limit: number;
}

/** What the store answers from the database as it is: runs, their state histories and logs. */
export class RunReads {
  protected constructor(protected readonly db: Database.Database) {}

  // Asked once per reported task run: prepared once, not per call.
  private stateTypeStatement: Database.Statement<[string], { state_type: StateType }> | null = null;

  private existsStatements: Record<'flow' | 'task', Database.Statement<[string], { one: number }>> | null = null;

  // A page's counting and reading, in one read transaction; made once.
  private readPage: Database.Transaction<(filter: FlowRunPageFilter) => Omit<FlowRunRow, 'parameters'>[]> | null = null;

  private exists(kind: 'flow' | 'task', id: string): boolean {
    this.existsStatements ??= {
      flow: this.db.prepare<[string], { one: number }>('SELECT 1 AS one FROM flow_runs WHERE id = ?'),
      task: this.db.prepare<[string], { one: number }>('SELECT 1 AS one FROM task_runs WHERE id = ?'),
    };
    return this.existsStatements[kind].get(id) !== undefined;
  }

  getFlowRun(id: string): FlowRun | null {
    const row = this.db.prepare<[string], FlowRunRow>(`${SELECT_FLOW_RUNS} WHERE r.id = ?`).get(id);
    return row ? flowRunFromRow(row) : null;
  }

  getTaskRun(id: string): TaskRun | null {
    const row = this.db.prepare<[string], TaskRunRow>(`${SELECT_TASK_RUNS} WHERE r.id = ?`).get(id);
    return row ? taskRunFromRow(row) : null;
  }

  /** Finds a run by its id or a unique prefix of it, as people paste shortened ids. */
  resolveRunId(kind: RunKind, idOrPrefix: string): string | null {
    const found = this.findRunId(kind, idOrPrefix);
    return 'id' in found ? found.id : null;
  }

  /** The run whose id is this or the one that starts with it, or why there is not one. */
  findRunId(kind: RunKind, idOrPrefix: string): { id: string } | { problem: RunIdProblem } {
    const table = kind === 'flow' ? 'flow_runs' : 'task_runs';
    const exact = this.db.prepare<[string], { id: string }>(`SELECT id FROM ${table} WHERE id = ?`).get(idOrPrefix);
    if (exact) return { id: exact.id };
    if (idOrPrefix.length < RUN_ID_PREFIX_MIN) return { problem: 'unknown' };
    const matches = this.db
      .prepare<[string], { id: string }>(`SELECT id FROM ${table} WHERE id LIKE ? || '%' LIMIT 2`)
      .all(idOrPrefix.replace(/[%_]/g, ''));
    if (matches.length === 1) return { id: matches[0].id };
    return { problem: matches.length === 0 ? 'unknown' : 'ambiguous' };
  }

  /**
   * For each id, its shortest prefix of at least `minLength` characters that no other run of the
   * kind shares, so listings can show short ids that resolveRunId accepts. Time-ordered ids made
   * close together share long prefixes, so a fixed length would not tell them apart.
   */
  uniqueIdPrefixes(kind: RunKind, ids: readonly string[], minLength = 8): Map<string, string> {
    const table = kind === 'flow' ? 'flow_runs' : 'task_runs';
    const before = this.db.prepare<[string], { id: string }>(`SELECT id FROM ${table} WHERE id < ? ORDER BY id DESC LIMIT 1`);
    const after = this.db.prepare<[string], { id: string }>(`SELECT id FROM ${table} WHERE id > ? ORDER BY id LIMIT 1`);
    const prefixes = new Map<string, string>();
    for (const id of ids) {
      // In sorted order, the ids sharing the longest prefix with this one are its neighbours.
      let length = minLength;
      for (const other of [before.get(id)?.id, after.get(id)?.id]) {
        if (other === undefined) continue;
        let common = 0;
        while (common < id.length && id[common] === other[common]) common++;
        length = Math.max(length, common + 1);
      }
      if (id[length - 1] === '-') length++;
      prefixes.set(id, id.slice(0, length));
    }
    return prefixes;
  }

  /** With both `stateTypes` and `stateNames`, a run matching either is listed. */
  listFlowRuns(filter: FlowRunFilter & { stateNames?: readonly string[]; deploymentId?: string } = {}): FlowRun[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.flowName) {
      where.push('r.flow_name = ?');
      params.push(filter.flowName);
    }
    if (filter.deploymentId) {
      where.push('r.deployment_id = ?');
      params.push(filter.deploymentId);
    }
    const stateMatches: string[] = [];
    if (filter.stateTypes && filter.stateTypes.length > 0) {
      stateMatches.push(`r.state_type IN (${filter.stateTypes.map(() => '?').join(', ')})`);
      params.push(...filter.stateTypes);
    }
    if (filter.stateNames && filter.stateNames.length > 0) {
      stateMatches.push(`r.state_name IN (${filter.stateNames.map(() => '?').join(', ')})`);
      params.push(...filter.stateNames);
    }
    if (stateMatches.length > 0) where.push(`(${stateMatches.join(' OR ')})`);
    if (filter.parentFlowRunId) {
      where.push('r.parent_flow_run_id = ?');
      params.push(filter.parentFlowRunId);
    }
    const sql = `${SELECT_FLOW_RUNS} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY r.created_at DESC, r.id DESC LIMIT ?`;
    params.push(filter.limit ?? 50);
    return this.db
      .prepare<unknown[], FlowRunRow>(sql)
      .all(...params)
      .map(flowRunFromRow);
  }

  /**
   * One page of flow runs, newest first unless told otherwise. A page either walks one index in
   * its order from the cursor on and stops after `limit` matches, or, when text is searched that
   * few runs contain, picks the page from those few (see textCandidates): either way it stays
   * fast however many runs there are. Counting and reading share one snapshot.
   */
  listFlowRunPage(filter: FlowRunPageFilter): { items: FlowRunSummary[]; next: FlowRunCursor | null } {
    this.readPage ??= this.db.transaction((pageFilter: FlowRunPageFilter) => {
      // One more than asked for tells whether another page follows.
      const candidates = pageFilter.text === undefined ? null : textCandidates(this.db, pageFilter.text);
      const query = flowRunPageQuery(pageFilter, pageFilter.limit + 1, candidates);
      return this.db.prepare<unknown[], Omit<FlowRunRow, 'parameters'>>(query.text).all(...query.params);
    });
    const rows = this.readPage(filter);
    const items = rows.slice(0, filter.limit).map(flowRunSummaryFromRow);
    const last = items[items.length - 1];
    const next = rows.length > filter.limit && last ? { createdAt: last.createdAt, id: last.id } : null;
    return { items, next };
  }

  /** Every flow that has been run, by name. */
  listFlows(): Flow[] {
    return this.db
      .prepare<[], { id: string; name: string; created_at: number }>('SELECT id, name, created_at FROM flows ORDER BY name')
      .all()
      .map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at }));
  }

  hasFlowRun(id: string): boolean {
    return this.exists('flow', id);
  }

  hasTaskRun(id: string): boolean {
    return this.exists('task', id);
  }

  /** The type of the flow run's state, or null when there is no such run. */
  flowRunStateType(id: string): StateType | null {
    this.stateTypeStatement ??= this.db.prepare<[string], { state_type: StateType }>('SELECT state_type FROM flow_runs WHERE id = ?');
    return this.stateTypeStatement.get(id)?.state_type ?? null;
  }

  listTaskRuns(flowRunId: string): TaskRun[] {
    return this.db
      .prepare<[string], TaskRunRow>(`${SELECT_TASK_RUNS} WHERE r.flow_run_id = ? ORDER BY r.created_at, r.id`)
      .all(flowRunId)
      .map(taskRunFromRow);
  }

  /** The full state history of a flow or task run, oldest first. */
  listStates(runId: string): State[] {
    return this.db
      .prepare<[string, string], StateRow>(
        `WITH RECURSIVE chain(id) AS (
           SELECT state_id FROM task_runs WHERE id = ?
           UNION ALL SELECT state_id FROM flow_runs WHERE id = ?
           UNION ALL SELECT states.previous_id FROM states JOIN chain ON states.id = chain.id
             WHERE states.previous_id IS NOT NULL)
         SELECT states.* FROM states JOIN chain ON states.id = chain.id ORDER BY states.id`,
      )
      .all(runId, runId)
      .map(stateFromRow);
  }

  /**
   * Every task run's state history in a flow run, in one query: the timeline of a run with
   * thousands of task runs needs them all at once.
   */
  listTaskRunHistories(flowRunId: string): { taskRunId: string; states: State[] }[] {
    const rows = this.db
      .prepare<[string], StateRow & { chain_run_id: string }>(
        `WITH RECURSIVE chain(run_id, id) AS (
           SELECT id, state_id FROM task_runs WHERE flow_run_id = ?
           UNION ALL SELECT chain.run_id, states.previous_id FROM states JOIN chain ON states.id = chain.id
             WHERE states.previous_id IS NOT NULL)
         SELECT chain.run_id AS chain_run_id, states.* FROM states JOIN chain ON states.id = chain.id
         ORDER BY chain.run_id, states.id`,
      )
      .all(flowRunId);
    const histories = new Map<string, State[]>();
    for (const row of rows) {
      const list = histories.get(row.chain_run_id);
      if (list) list.push(stateFromRow(row));
      else histories.set(row.chain_run_id, [stateFromRow(row)]);
    }
    return [...histories].map(([taskRunId, states]) => ({ taskRunId, states }));
  }

  listLogs(
    flowRunId: string,
    options: { afterId?: number; beforeId?: number; limit?: number; taskRunId?: string; minLevel?: number; q?: string } = {},
  ): StoredLog[] {
    const where = ['flow_run_id = ?', 'id > ?'];
    const params: unknown[] = [flowRunId, options.afterId ?? 0];
    if (options.beforeId !== undefined) {
      where.push('id < ?');
      params.push(options.beforeId);
    }
    if (options.q) {
      where.push("message LIKE ? ESCAPE '\\'");
      params.push(`%${options.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    if (options.taskRunId) {
      where.push('task_run_id = ?');
      params.push(options.taskRunId);
    }
    if (options.minLevel) {
      where.push('level >= ?');
      params.push(options.minLevel);
    }
    params.push(options.limit ?? 1000);
    // Reading back from beforeId takes the newest lines below it, then gives them oldest first.
    const newestFirst = options.beforeId !== undefined;
    const rows = this.db
      .prepare<unknown[], LogRow>(`SELECT * FROM logs WHERE ${where.join(' AND ')} ORDER BY id ${newestFirst ? 'DESC' : ''} LIMIT ?`)
      .all(...params);
    if (newestFirst) rows.reverse();
    return rows.map(logFromRow);
  }

  /** The highest states and logs row ids so far (0 when empty): where a stream with no cursor starts. */
  lastEventIds(): { stateId: number; logId: number } {
    return this.db
      .prepare<[], { stateId: number; logId: number }>(
        'SELECT (SELECT COALESCE(MAX(id), 0) FROM states) AS stateId, (SELECT COALESCE(MAX(id), 0) FROM logs) AS logId',
      )
      .get()!;
  }

  /**
   * States stored after a states row id, in id order. Ids only grow and SQLite has one writer at
   * a time, so a row with a lower id than one already read never appears later: reading after the
   * last id seen misses nothing, whichever process wrote it. The states table has no run index
   * (it would cost every transition), so a flow-run filter checks each row after the id.
   */
  listStatesAfter(afterId: number, options: RowsAfter): StoredStateEntry[] {
    const where = ['s.id > ?', 'owner IS NOT NULL'];
    const params: unknown[] = [afterId];
    if (options.upToId !== undefined) {
      where.push('s.id <= ?');
      params.push(options.upToId);
    }
    if (options.flowRunId !== undefined) {
      where.push('owner = ?');
      params.push(options.flowRunId);
    }
    params.push(options.limit);
    return this.db
      .prepare<unknown[], StateRow & { owner: string }>(
        `SELECT s.*, CASE s.run_kind WHEN 'flow' THEN s.run_id ELSE t.flow_run_id END AS owner
         FROM states s LEFT JOIN task_runs t ON s.run_kind = 'task' AND t.id = s.run_id
         WHERE ${where.join(' AND ')} ORDER BY s.id LIMIT ?`,
      )
      .all(...params)
      .map((row) => ({
        id: row.id,
        kind: row.run_kind as RunKind,
        runId: row.run_id,
        flowRunId: row.owner,
        state: stateFromRow(row),
      }));
  }

  /** Log lines stored after a logs row id, in id order (see listStatesAfter). */
  listLogsAfter(afterId: number, options: RowsAfter): StoredLog[] {
    const where = ['id > ?'];
    const params: unknown[] = [afterId];
    if (options.upToId !== undefined) {
      where.push('id <= ?');
      params.push(options.upToId);
    }
    if (options.flowRunId !== undefined) {
      where.push('flow_run_id = ?');
      params.push(options.flowRunId);
    }
    params.push(options.limit);
    return this.db
      .prepare<unknown[], LogRow>(`SELECT * FROM logs WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`)
      .all(...params)
      .map(logFromRow);
  }

  countLogs(flowRunId: string): number {
    return this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM logs WHERE flow_run_id = ?').get(flowRunId)!.n;
  }
}
