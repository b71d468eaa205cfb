import { cellText, normalizeTable, type Artifact, type LinkData } from '../../../core/api/artifacts.js';
import { isSafeLink } from '../../../core/artifact-rules.js';

/** A table artifact as header and rows of text cells; null when its data is not a table. */
export function tableView(data: unknown): { columns: string[]; rows: string[][] } | null {
  const table = normalizeTable(data);
  if (!table) return null;
  return { columns: table.columns, rows: table.rows.map((row) => row.map(cellText)) };
}

/** A link artifact as what to show and where it goes: no target for a link that is not to a web page or mail. */
export function linkView(data: unknown): { text: string; href: string | null } {
  const link = (data ?? {}) as Partial<LinkData>;
  const target = typeof link.link === 'string' ? link.link : '';
  return { text: link.linkText || target, href: isSafeLink(target) ? target : null };
}

/** A progress artifact's value, within 0 to 100. */
export function progressValue(data: unknown): number {
  const value = typeof data === 'number' && Number.isFinite(data) ? data : 0;
  return Math.min(100, Math.max(0, value));
}

/** How an artifact is named on a page: its key, else its description, else its type. */
export function artifactTitle(artifact: Pick<Artifact, 'key' | 'description' | 'type'>): string {
  return artifact.key ?? artifact.description ?? `${artifact.type} artifact`;
}
