import type { DebugOptions } from '../../core/debugging.js';
import { registeredTaskNames } from '../../engine/hosting.js';
import { UsageError } from '../errors.js';

interface DebugFlags {
  debug?: boolean;
  break?: string[];
  step?: boolean;
  'break-on-failure'?: boolean;
  pin?: string[];
  'pins-json'?: string;
  'stop-after'?: string[];
}

/** A pinned result given as JSON, else as text, as --param reads values. */
function pinValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function parsePins(flags: DebugFlags): Record<string, unknown> {
  let pins: Record<string, unknown> = {};
  const raw = flags['pins-json'];
  if (raw !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      throw new UsageError(`--pins-json must be a JSON object of results by task name (${(error as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UsageError('--pins-json must be a JSON object of results by task name, e.g. {"load":[1,2]}');
    }
    pins = { ...(parsed as Record<string, unknown>) };
  }
  for (const pair of flags.pin ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--pin takes TASK=JSON, e.g. --pin 'load=[1,2]', got '${pair}'`);
    pins[pair.slice(0, eq).trim()] = pinValue(pair.slice(eq + 1));
  }
  return pins;
}

/** The debug run the flags ask for, or undefined for a normal run. */
export function debugOptionsOf(flags: DebugFlags): DebugOptions | undefined {
  const breakpoints = flags.break ?? [];
  const pins = parsePins(flags);
  const step = flags.step === true;
  const breakOnFailure = flags['break-on-failure'] === true;
  const stopAfter = flags['stop-after'] ?? [];
  const asked = flags.debug === true || breakpoints.length > 0 || Object.keys(pins).length > 0 || step || breakOnFailure || stopAfter.length > 0;
  if (!asked) return undefined;
  return { breakpoints, pins, step, breakOnFailure, ...(stopAfter.length > 0 ? { stopAfter } : {}) };
}

/** Refuses breakpoints and pins on names no task of the loaded flow file has, before anything runs. */
export function checkDebugNames(debug: DebugOptions, file: string): void {
  const known = registeredTaskNames();
  const named = [
    ...(debug.breakpoints ?? []).map((name) => ['--break', name]),
    ...Object.keys(debug.pins ?? {}).map((name) => ['--pin', name]),
    ...(debug.stopAfter ?? []).map((name) => ['--stop-after', name]),
  ];
  for (const [flag, name] of named) {
    if (known.has(name)) continue;
    const tasks = [...known].sort();
    throw new UsageError(`${flag} ${name}: ${file} has no task named '${name}'; its tasks: ${tasks.length > 0 ? tasks.join(', ') : 'none'}`);
  }
}
