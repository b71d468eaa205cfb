import { cellText, normalizeTable, type Artifact, type LinkData } from '../../core/api/artifacts.js';
import type { CliContext } from '../context.js';
import { indent, renderFields } from '../output/fields.js';
import { formatTime, shortId } from '../output/format.js';
import { renderTable } from '../output/table.js';

type Colors = CliContext['colors'];

const PREVIEW_MAX = 40;

function oneLine(text: string, max = PREVIEW_MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A short line of what an artifact holds, for listings. */
export function artifactPreview(artifact: Artifact): string {
  switch (artifact.type) {
    case 'markdown':
      return oneLine(String(artifact.data));
    case 'table': {
      const table = normalizeTable(artifact.data);
      return table ? `${table.rows.length} row(s) x ${table.columns.length} column(s)` : '';
    }
    case 'link': {
      const link = artifact.data as LinkData;
      return oneLine(link.linkText ? `${link.linkText} <${link.link}>` : link.link);
    }
    case 'progress':
      return `${String(artifact.data)}%`;
  }
}

/** A listing of artifacts; `runPrefixes` gives each flow run id its shortest unique prefix. */
export function renderArtifactTable(artifacts: readonly Artifact[], runPrefixes: ReadonlyMap<string, string>, colors: Colors): string {
  const rows = artifacts.map((a) => [
    a.key ?? '-',
    a.type,
    a.id,
    runPrefixes.get(a.flowRunId) ?? a.flowRunId,
    formatTime(a.updatedAt),
    artifactPreview(a),
  ]);
  return renderTable(['KEY', 'TYPE', 'ID', 'FLOW RUN', 'UPDATED', 'PREVIEW'], rows, colors.bold);
}

/** What an artifact holds, whole, for `artifact inspect`. */
function renderData(artifact: Artifact): string {
  switch (artifact.type) {
    case 'markdown':
      return String(artifact.data);
    case 'table': {
      const table = normalizeTable(artifact.data);
      if (!table || table.rows.length === 0) return '(an empty table)';
      return renderTable(
        table.columns,
        table.rows.map((row) => row.map((cell) => cellText(cell))),
      );
    }
    case 'link': {
      const link = artifact.data as LinkData;
      return link.linkText ? `${link.linkText}: ${link.link}` : link.link;
    }
    case 'progress':
      return `${String(artifact.data)}%`;
  }
}

export function renderArtifact(artifact: Artifact, colors: Colors): string {
  const fields = renderFields([
    ['id', artifact.id],
    ['key', artifact.key ?? '-'],
    ['type', artifact.type],
    ['description', artifact.description ?? '-'],
    ['flow run', artifact.flowRunId],
    ['task run', artifact.taskRunId ?? '-'],
    ['created', formatTime(artifact.createdAt)],
    ['updated', formatTime(artifact.updatedAt)],
  ]);
  return `${colors.bold(`Artifact ${artifact.key ?? shortId(artifact.id)}`)}\n${fields}\n\n${colors.bold('Data')}\n${indent(renderData(artifact))}`;
}
