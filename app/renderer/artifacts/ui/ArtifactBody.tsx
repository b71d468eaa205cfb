import type { Artifact } from '../../../core/api/artifacts.js';
import { linkView, progressValue, tableView } from '../model/artifact-view.js';
import { MarkdownView } from './MarkdownView.js';

function TableBody({ data }: { data: unknown }) {
  const table = tableView(data);
  if (!table) return <p className="fd-muted">This table could not be read.</p>;
  if (table.rows.length === 0) return <p className="fd-muted">An empty table.</p>;
  return (
    <div className="fd-artifact-table-wrap">
      <table className="fd-table fd-artifact-table" data-testid="artifact-table">
        <thead>
          <tr>
            {table.columns.map((column, i) => (
              <th key={i}>{column}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => (
                <td key={c}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LinkBody({ data }: { data: unknown }) {
  const link = linkView(data);
  return link.href ? (
    <a href={link.href} target="_blank" rel="noopener noreferrer nofollow" data-testid="artifact-link">
      {link.text}
    </a>
  ) : (
    <span data-testid="artifact-link">{link.text}</span>
  );
}

function ProgressBody({ data }: { data: unknown }) {
  const value = progressValue(data);
  return (
    <div className="fd-artifact-progress">
      <progress max={100} value={value} data-testid="artifact-progress" />
      <span>{Math.round(value * 10) / 10}%</span>
    </div>
  );
}

/** What an artifact holds, shown as its type has it. */
export function ArtifactBody({ artifact }: { artifact: Artifact }) {
  switch (artifact.type) {
    case 'markdown':
      return <MarkdownView markdown={typeof artifact.data === 'string' ? artifact.data : ''} />;
    case 'table':
      return <TableBody data={artifact.data} />;
    case 'link':
      return <LinkBody data={artifact.data} />;
    case 'progress':
      return <ProgressBody data={artifact.data} />;
  }
}
