import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { AutomationSpecSchema, type AutomationSpec } from '../../core/automations/index.js';
import { UsageError } from '../errors.js';

/** The key of an issue as written in the file: `actions[0].block`. */
function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}

/** An automation read from a YAML or JSON file (JSON is YAML); each error names the file and the key. */
export function readAutomationFile(file: string, cwd: string): AutomationSpec {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const checked = AutomationSpecSchema.safeParse(document);
  if (!checked.success) {
    const issues = checked.error.issues.slice(0, 3).map((issue) => `${keyPath(issue.path) || '(the document)'}: ${issue.message}`);
    throw new UsageError(`${file}: ${issues.join('; ')}`);
  }
  return checked.data;
}
