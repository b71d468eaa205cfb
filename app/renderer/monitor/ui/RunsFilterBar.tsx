import { useState, type KeyboardEvent, type RefObject } from 'react';
import { FLOW_RUN_SORTS, FLOW_RUN_TEXT_MAX, type FlowRunSort } from '../../../core/api/flow-runs.js';
import { STATE_TYPES, type StateType } from '../../../core/states.js';
import {
  addTag,
  DUE_FILTERS,
  hasActiveFilters,
  MAX_TAGS,
  removeTag,
  SORT_LABELS,
  TIME_RANGES,
  toggleDue,
  toggleStateType,
  type RunFilters,
  type TimeRange,
} from '../model/run-filters.js';

/** "CANCELLING" as people read it: "Cancelling". */
function stateLabel(type: StateType): string {
  return type.charAt(0) + type.slice(1).toLowerCase();
}

interface RunsFilterBarProps {
  filters: RunFilters;
  /** The search as typed, sent once typing pauses. */
  draft: string;
  flowNames: readonly string[];
  /** The work pools to choose from, by name. */
  poolNames: readonly string[];
  searchRef: RefObject<HTMLInputElement | null>;
  onChange(filters: RunFilters): void;
  onDraft(text: string): void;
  onSearchKey(event: KeyboardEvent<HTMLInputElement>): void;
  onClear(): void;
}

/** The filters of the runs page: states, flow, work pool, tags, time range, text, and the order. */
export function RunsFilterBar({ filters, draft, flowNames, poolNames, searchRef, onChange, onDraft, onSearchKey, onClear }: RunsFilterBarProps) {
  // The saved flow or pool may be one the server no longer lists (or not yet): it stays choosable.
  const flows = filters.flowName && !flowNames.includes(filters.flowName) ? [filters.flowName, ...flowNames] : flowNames;
  const pools = filters.pool !== null && !poolNames.includes(filters.pool) ? [filters.pool, ...poolNames] : poolNames;
  return (
    <div className="fd-runs-filters" role="search" aria-label="Filter runs">
      <div className="fd-runs-filter-row">
        <input
          ref={searchRef}
          type="search"
          className="fd-runs-input fd-runs-search"
          placeholder="Search run or flow names"
          aria-label="Search run or flow names"
          data-testid="runs-search"
          maxLength={FLOW_RUN_TEXT_MAX}
          value={draft}
          onChange={(event) => onDraft(event.target.value)}
          onKeyDown={onSearchKey}
        />
        <label className="fd-runs-field">
          <span>Flow</span>
          <select
            className="fd-runs-input"
            data-testid="runs-flow"
            value={filters.flowName ?? ''}
            onChange={(event) => onChange({ ...filters, flowName: event.target.value === '' ? null : event.target.value })}
          >
            <option value="">All flows</option>
            {flows.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="fd-runs-field">
          <span>Pool</span>
          <select
            className="fd-runs-input"
            data-testid="runs-pool"
            value={filters.pool ?? ''}
            onChange={(event) => onChange({ ...filters, pool: event.target.value === '' ? null : event.target.value })}
          >
            <option value="">All runs</option>
            {pools.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <TagsInput filters={filters} onChange={onChange} />
        <label className="fd-runs-field">
          <span>Created</span>
          <select
            className="fd-runs-input"
            data-testid="runs-time"
            value={filters.timeRange}
            onChange={(event) => onChange({ ...filters, timeRange: event.target.value as TimeRange })}
          >
            {TIME_RANGES.map((range) => (
              <option key={range.id} value={range.id}>
                {range.label}
              </option>
            ))}
          </select>
        </label>
        <label className="fd-runs-field">
          <span>Order</span>
          <select
            className="fd-runs-input"
            data-testid="runs-sort"
            value={filters.sort}
            onChange={(event) => onChange({ ...filters, sort: event.target.value as FlowRunSort })}
          >
            {FLOW_RUN_SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {SORT_LABELS[sort]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="fd-runs-filter-row" role="group" aria-label="States">
        {DUE_FILTERS.map((due) => {
          const on = filters.due === due.id;
          return (
            <button
              key={due.id}
              type="button"
              className={`fd-runs-chip fd-runs-due is-${due.id}${on ? ' is-on' : ''}`}
              aria-pressed={on}
              data-testid={`runs-due-${due.id}`}
              title={due.id === 'late' ? 'Deployment runs not started 15 s after their time' : 'Deployment runs scheduled and not yet due'}
              onClick={() => onChange(toggleDue(filters, due.id))}
            >
              {due.label}
            </button>
          );
        })}
        <span className="fd-runs-divider" aria-hidden="true" />
        {STATE_TYPES.map((type) => {
          const on = filters.stateTypes.includes(type);
          return (
            <button
              key={type}
              type="button"
              className={`fd-runs-chip state-${type}${on ? ' is-on' : ''}`}
              aria-pressed={on}
              data-state={type}
              onClick={() => onChange(toggleStateType(filters, type))}
            >
              <span className="fd-runs-dot" aria-hidden="true" />
              {stateLabel(type)}
            </button>
          );
        })}
        <span className="fd-spacer" />
        {hasActiveFilters(filters) || draft.trim() !== '' ? (
          <button type="button" className="fd-button" data-testid="runs-clear" onClick={onClear}>
            Clear filters
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** Tags as chips; Enter adds what is typed, Backspace in an empty box takes the last one off. */
function TagsInput({ filters, onChange }: { filters: RunFilters; onChange(filters: RunFilters): void }) {
  const [text, setText] = useState('');
  const add = () => {
    if (text.trim() === '') return;
    onChange(addTag(filters, text));
    setText('');
  };
  return (
    <div className="fd-runs-tags fd-runs-input" data-testid="runs-tags">
      {filters.tags.map((tag) => (
        <span key={tag} className="fd-runs-tag">
          {tag}
          <button type="button" aria-label={`Remove the tag ${tag}`} onClick={() => onChange(removeTag(filters, tag))}>
            ×
          </button>
        </span>
      ))}
      <input
        type="text"
        aria-label="Tags (Enter adds one)"
        placeholder={filters.tags.length === 0 ? 'Tags' : ''}
        disabled={filters.tags.length >= MAX_TAGS}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onBlur={add}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            add();
          } else if (event.key === 'Backspace' && text === '' && filters.tags.length > 0) {
            onChange(removeTag(filters, filters.tags[filters.tags.length - 1]));
          }
        }}
      />
    </div>
  );
}
