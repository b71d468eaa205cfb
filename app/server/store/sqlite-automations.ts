import type Database from 'better-sqlite3';
import type { Action, Automation, AutomationSpec, Delivery, DeliveryStatus, Firing, Trigger } from '../../core/automations/index.js';
import type { StateType } from '../../core/state-model.js';
import { triggerMatches } from '../../core/automations/trigger-match.js';
import { newId } from '../../core/ids.js';
import type { AutomationChanges, ClaimedDelivery, DeliveryOutcome } from './automation-store.js';
import { StoreError } from './store-error.js';
import type { WriteBatch } from './transition-writer.js';

interface AutomationRow {
  id: string;
  name: string;
  description: string;
  enabled: number;
  trigger: string;
  actions: string;
  from_state_id: number;
  created_at: number;
  updated_at: number;
}

interface FiringRow {
  id: string;
  automation_id: string;
  flow_run_id: string;
  state_id: number;
  state_type: StateType;
  state_name: string;
  state_message: string | null;
  fired_at: number;
}

interface DeliveryRow {
  id: string;
  firing_id: string;
  automation_id: string;
  action_index: number;
  action: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  done_at: number | null;
}

/** A flow run's state row after the cursor, with what triggers are matched on. */
interface FlowStateRow {
  id: number;
  run_id: string;
  type: StateType;
  name: string;
  message: string | null;
  flow_name: string;
  tags: string;
  deployment_id: string | null;
  deployment_name: string | null;
}

function automationFromRow(row: AutomationRow): Automation {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    enabled: row.enabled === 1,
    trigger: JSON.parse(row.trigger) as Trigger,
    actions: JSON.parse(row.actions) as Action[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function deliveryFromRow(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    firingId: row.firing_id,
    actionIndex: row.action_index,
    actionKind: (JSON.parse(row.action) as Action).kind,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastError: row.last_error,
    doneAt: row.done_at,
  };
}

/** Automations in the SQLite store, answered synchronously as the rest of SqliteStore is. */
export class SqliteAutomations {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly now: () => number,
    private readonly writeBatch: WriteBatch,
  ) {
    this.stmt = {
      all: db.prepare<[], AutomationRow>('SELECT * FROM automations ORDER BY name'),
      enabled: db.prepare<[], AutomationRow>('SELECT * FROM automations WHERE enabled = 1'),
      byId: db.prepare<[string], AutomationRow>('SELECT * FROM automations WHERE id = ?'),
      byName: db.prepare<[string], AutomationRow>('SELECT * FROM automations WHERE name = ?'),
      insert: db.prepare(
        `INSERT INTO automations (id, name, description, enabled, trigger, actions, from_state_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM states), ?, ?)`,
      ),
      update: db.prepare('UPDATE automations SET name = ?, description = ?, enabled = ?, trigger = ?, actions = ?, updated_at = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM automations WHERE id = ?'),
      restartFrom: db.prepare('UPDATE automations SET from_state_id = (SELECT COALESCE(MAX(id), 0) FROM states) WHERE id = ?'),
      removeFirings: db.prepare('DELETE FROM automation_firings WHERE automation_id = ?'),
      removeDeliveries: db.prepare('DELETE FROM automation_deliveries WHERE automation_id = ?'),
      firings: db.prepare<[string, number], FiringRow>(
        'SELECT * FROM automation_firings WHERE automation_id = ? ORDER BY fired_at DESC, state_id DESC LIMIT ?',
      ),
      deliveriesOf: db.prepare<[string], DeliveryRow>('SELECT * FROM automation_deliveries WHERE firing_id = ? ORDER BY action_index'),
      cursor: db.prepare<[], { state_id: number }>('SELECT state_id FROM automation_cursor WHERE id = 1'),
      moveCursor: db.prepare(
        'INSERT INTO automation_cursor (id, state_id) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET state_id = excluded.state_id',
      ),
      lastStateId: db.prepare<[], { id: number }>('SELECT COALESCE(MAX(id), 0) AS id FROM states'),
      flowStatesAfter: db.prepare<[number, number], FlowStateRow>(
        `SELECT s.id, s.run_id, s.type, s.name, s.message, r.flow_name, r.tags, r.deployment_id, r.deployment_name
         FROM states s JOIN flow_runs r ON r.id = s.run_id
         WHERE s.id > ? AND s.run_kind = 'flow' ORDER BY s.id LIMIT ?`,
      ),
      insertFiring: db.prepare(
        `INSERT OR IGNORE INTO automation_firings (id, automation_id, flow_run_id, state_id, state_type, state_name, state_message, fired_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertDelivery: db.prepare(
        `INSERT INTO automation_deliveries (id, firing_id, automation_id, action_index, action, status, attempts, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)`,
      ),
      due: db.prepare<[number, number], DeliveryRow>(
        `SELECT * FROM automation_deliveries WHERE status IN ('pending', 'running') AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
      ),
      lease: db.prepare("UPDATE automation_deliveries SET status = 'running', attempts = attempts + 1, next_attempt_at = ? WHERE id = ?"),
      firing: db.prepare<[string], FiringRow>('SELECT * FROM automation_firings WHERE id = ?'),
      done: db.prepare("UPDATE automation_deliveries SET status = 'done', next_attempt_at = NULL, done_at = ? WHERE id = ? AND status = 'running'"),
      retry: db.prepare(
        "UPDATE automation_deliveries SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'running'",
      ),
      failed: db.prepare(
        "UPDATE automation_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = ?, done_at = ? WHERE id = ? AND status = 'running'",
      ),
    };
  }

  listAutomations(): Automation[] {
    return this.stmt.all.all().map(automationFromRow);
  }

  getAutomation(idOrName: string): Automation | null {
    const row = this.stmt.byId.get(idOrName) ?? this.stmt.byName.get(idOrName);
    return row ? automationFromRow(row) : null;
  }

  insertAutomation(spec: AutomationSpec): Automation {
    return this.writeBatch(() => {
      if (this.stmt.byName.get(spec.name)) throw new StoreError(`name: an automation named '${spec.name}' exists already`, 'CONFLICT');
      const id = newId();
      const now = this.now();
      this.stmt.insert.run(
        id,
        spec.name,
        spec.description,
        spec.enabled ? 1 : 0,
        JSON.stringify(spec.trigger),
        JSON.stringify(spec.actions),
        now,
        now,
      );
      return automationFromRow(this.stmt.byId.get(id)!);
    });
  }

  updateAutomation(id: string, changes: AutomationChanges): Automation | null {
    return this.writeBatch(() => {
      const row = this.stmt.byId.get(id);
      if (!row) return null;
      const current = automationFromRow(row);
      const next = { ...current, ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) };
      const holder = this.stmt.byName.get(next.name);
      if (holder && holder.id !== id) throw new StoreError(`name: an automation named '${next.name}' exists already`, 'CONFLICT');
      // Resumed: states stored while it was paused do not fire it, even those not yet matched.
      if (next.enabled && !current.enabled) this.stmt.restartFrom.run(id);
      this.stmt.update.run(
        next.name,
        next.description,
        next.enabled ? 1 : 0,
        JSON.stringify(next.trigger),
        JSON.stringify(next.actions),
        this.now(),
        id,
      );
      return automationFromRow(this.stmt.byId.get(id)!);
    });
  }

  deleteAutomation(id: string): boolean {
    return this.writeBatch(() => {
      this.stmt.removeDeliveries.run(id);
      this.stmt.removeFirings.run(id);
      return this.stmt.remove.run(id).changes > 0;
    });
  }

  listFirings(automationId: string, limit: number): Firing[] {
    return this.stmt.firings.all(automationId, limit).map((row) => ({
      id: row.id,
      automationId: row.automation_id,
      flowRunId: row.flow_run_id,
      stateType: row.state_type,
      stateName: row.state_name,
      firedAt: row.fired_at,
      deliveries: this.stmt.deliveriesOf.all(row.id).map(deliveryFromRow),
    }));
  }

  recordFirings(limit: number): number {
    // Read first: an idle server takes no write lock each round.
    if (this.stmt.cursor.get()?.state_id === this.stmt.lastStateId.get()!.id) return 0;
    return this.writeBatch(() => {
      const last = this.stmt.lastStateId.get()!.id;
      const automations = this.stmt.enabled.all().map((automation) => ({
        ...automation,
        trigger: JSON.parse(automation.trigger) as Trigger,
        actions: JSON.parse(automation.actions) as Action[],
      }));
      // Nothing can fire: the states stored so far are passed over unread (this transaction holds the write lock).
      if (automations.length === 0) {
        this.stmt.moveCursor.run(last);
        return 0;
      }
      const after = this.stmt.cursor.get()?.state_id ?? last;
      const rows = this.stmt.flowStatesAfter.all(after, limit);
      // Fewer rows than asked for: every state stored so far has been seen.
      const seenUpTo = rows.length < limit ? Math.max(after, last) : rows[rows.length - 1].id;
      const now = this.now();
      let recorded = 0;
      for (const row of rows) {
        const facts = {
          flowName: row.flow_name,
          tags: JSON.parse(row.tags) as string[],
          deploymentId: row.deployment_id,
          deploymentName: row.deployment_name === null ? null : `${row.flow_name}/${row.deployment_name}`,
          state: { type: row.type, name: row.name },
        };
        for (const automation of automations) {
          if (row.id <= automation.from_state_id) continue;
          if (!triggerMatches(automation.trigger, facts)) continue;
          const firingId = newId();
          const inserted = this.stmt.insertFiring.run(firingId, automation.id, row.run_id, row.id, row.type, row.name, row.message, now);
          if (inserted.changes === 0) continue;
          recorded++;
          automation.actions.forEach((action, index) => {
            this.stmt.insertDelivery.run(newId(), firingId, automation.id, index, JSON.stringify(action), now);
          });
        }
      }
      this.stmt.moveCursor.run(seenUpTo);
      return recorded;
    });
  }

  claimDeliveries(leaseMs: number, limit: number): ClaimedDelivery[] {
    if (this.stmt.due.all(this.now(), 1).length === 0) return [];
    return this.writeBatch(() => {
      const now = this.now();
      const claimed: ClaimedDelivery[] = [];
      for (const row of this.stmt.due.all(now, limit)) {
        const firing = this.stmt.firing.get(row.firing_id);
        const automation = this.stmt.byId.get(row.automation_id);
        if (!firing || !automation) continue;
        this.stmt.lease.run(now + leaseMs, row.id);
        claimed.push({
          id: row.id,
          automationId: row.automation_id,
          automationName: automation.name,
          action: JSON.parse(row.action) as Action,
          attempt: row.attempts + 1,
          firing: {
            id: firing.id,
            flowRunId: firing.flow_run_id,
            stateType: firing.state_type,
            stateName: firing.state_name,
            stateMessage: firing.state_message,
            firedAt: firing.fired_at,
          },
        });
      }
      return claimed;
    });
  }

  finishDelivery(id: string, outcome: DeliveryOutcome): void {
    this.writeBatch(() => {
      const now = this.now();
      if (outcome.kind === 'done') this.stmt.done.run(now, id);
      else if (outcome.kind === 'retry') this.stmt.retry.run(now + outcome.delayMs, outcome.error, id);
      else this.stmt.failed.run(outcome.error, now, id);
    });
  }
}
