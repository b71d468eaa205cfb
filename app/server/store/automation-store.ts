import type { Action, Automation, AutomationSpec, Firing } from '../../core/automations/index.js';
import type { StateType } from '../../core/state-model.js';

/** The fields of an automation to change; those left out keep their values. */
export type AutomationChanges = Partial<AutomationSpec>;

/** A delivery taken to be done, with what doing it needs to know of its firing. */
export interface ClaimedDelivery {
  id: string;
  automationId: string;
  automationName: string;
  action: Action;
  /** This attempt's number, from 1. */
  attempt: number;
  firing: { id: string; flowRunId: string; stateType: StateType; stateName: string; stateMessage: string | null; firedAt: number };
}

/** How an attempt at a delivery ended. */
export type DeliveryOutcome = { kind: 'done' } | { kind: 'retry'; delayMs: number; error: string } | { kind: 'failed'; error: string };

/**
 * Automations, the firings recorded when a flow run entered a state one of them watches, and the
 * outbox of their actions: one delivery per action per firing, written with the firing.
 */
export interface AutomationStore {
  listAutomations(): Promise<Automation[]>;
  /** By id, or else by name. */
  getAutomation(idOrName: string): Promise<Automation | null>;
  /** A CONFLICT StoreError when the name is taken. Fires only for states stored from now on. */
  insertAutomation(spec: AutomationSpec): Promise<Automation>;
  /** Null for an unknown id; a CONFLICT StoreError when a new name is taken. */
  updateAutomation(id: string, changes: AutomationChanges): Promise<Automation | null>;
  /** Deletes it with its firings and their deliveries. */
  deleteAutomation(id: string): Promise<boolean>;
  /** Its most recent firings, newest first, each with its deliveries. */
  listFirings(automationId: string, limit: number): Promise<Firing[]>;

  /**
   * Matches the flow-run states stored since the last call against the enabled automations and
   * records, in one transaction with moving the cursor on, each firing and a pending delivery per
   * action: none lost across a restart, none recorded twice. Answers how many firings it recorded.
   */
  recordFirings(limit?: number): Promise<number>;
  /** Takes up to `limit` due deliveries (pending and due, or running with a lease run out), leased for `leaseMs`. */
  claimDeliveries(leaseMs: number, limit: number): Promise<ClaimedDelivery[]>;
  finishDelivery(id: string, outcome: DeliveryOutcome): Promise<void>;
}
