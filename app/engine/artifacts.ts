import type { CreateArtifact } from '../core/api/artifacts.js';
import { artifactKeyProblem, progressProblem, TABLE_SHAPE_RULE, tableShape } from '../core/artifact-rules.js';
import type { ArtifactSink } from './artifact-sink.js';
import { maskSecretsDeep } from './blocks/secret-masks.js';
import { currentFrame } from './context.js';
import { engineSettings } from './runtime.js';

/** What every artifact function takes besides its data. */
export interface ArtifactOptions {
  /** Artifacts made with the same key are versions of one thing: lowercase letters, digits and dashes. */
  key?: string;
  description?: string;
}

export interface LinkArtifactOptions extends ArtifactOptions {
  /** What the link is shown as; the link itself when left out. */
  linkText?: string;
}

/** A table: a list of row objects, a dict of columns, or a list of lists. */
export type ArtifactTable = readonly Record<string, unknown>[] | Record<string, readonly unknown[]> | readonly (readonly unknown[])[];

/** The run an artifact belongs to, and where to record it; a clear error outside a run. */
function recordingPlace(fn: string): { sink: ArtifactSink; flowRunId: string; taskRunId: string | null } {
  const frame = currentFrame();
  if (!frame) throw new Error(`${fn}() was called outside a flow or task run: an artifact belongs to the run that makes it`);
  const sink = engineSettings().artifacts;
  if (!sink) {
    throw new Error(
      `${fn}() has nowhere to record artifacts: run flow files with \`flowdeck run FILE\`, or call configureEngine({ artifacts }) first`,
    );
  }
  return frame.kind === 'flow'
    ? { sink, flowRunId: frame.flowRunId, taskRunId: null }
    : { sink, flowRunId: frame.flowRun.flowRunId, taskRunId: frame.taskRunId };
}

function checkOptions(fn: string, options: ArtifactOptions): void {
  if (options.key === undefined) return;
  const problem = artifactKeyProblem(options.key);
  if (problem) throw new Error(`${fn}(): the key ${problem}`);
}

async function create(fn: string, artifact: Omit<CreateArtifact, 'flowRunId' | 'taskRunId'>, options: ArtifactOptions): Promise<string> {
  checkOptions(fn, options);
  const { sink, flowRunId, taskRunId } = recordingPlace(fn);
  // Secrets the run loaded are masked before the artifact leaves the process, as in its log lines.
  const created = await sink.createArtifact(
    maskSecretsDeep({
      ...artifact,
      key: options.key ?? null,
      description: options.description ?? null,
      flowRunId,
      taskRunId,
    } as CreateArtifact),
  );
  return created.id;
}

/** Records markdown for people to read on the run's page; answers the artifact's id. */
export function createMarkdownArtifact(markdown: string, options: ArtifactOptions = {}): Promise<string> {
  if (typeof markdown !== 'string') return Promise.reject(new Error('createMarkdownArtifact(): the markdown must be a string'));
  return create('createMarkdownArtifact', { type: 'markdown', data: markdown }, options);
}

/** Records a table: a list of row objects, a dict of columns, or a list of lists; answers the artifact's id. */
export function createTableArtifact(table: ArtifactTable, options: ArtifactOptions = {}): Promise<string> {
  // Through JSON first: dates become text and undefined cells go, as the store would keep them.
  const data = JSON.parse(JSON.stringify(table ?? null)) as unknown;
  if (tableShape(data) === null) return Promise.reject(new Error(`createTableArtifact(): the table ${TABLE_SHAPE_RULE}`));
  return create('createTableArtifact', { type: 'table', data }, options);
}

/** Records a link (with the text to show for it); answers the artifact's id. */
export function createLinkArtifact(link: string, options: LinkArtifactOptions = {}): Promise<string> {
  if (typeof link !== 'string' || link.length === 0) return Promise.reject(new Error('createLinkArtifact(): the link must be a non-empty string'));
  const { linkText, ...rest } = options;
  return create('createLinkArtifact', { type: 'link', data: { link, linkText: linkText ?? null } }, rest);
}

/** Records a progress value from 0 to 100, to move on with updateProgressArtifact; answers the artifact's id. */
export function createProgressArtifact(progress: number, options: ArtifactOptions = {}): Promise<string> {
  const problem = progressProblem(progress);
  if (problem) return Promise.reject(new Error(`createProgressArtifact(): the progress ${problem}`));
  return create('createProgressArtifact', { type: 'progress', data: progress }, options);
}

/** Sets a progress artifact's value (0 to 100) in place. */
export async function updateProgressArtifact(id: string, progress: number): Promise<void> {
  const problem = progressProblem(progress);
  if (problem) throw new Error(`updateProgressArtifact(): the progress ${problem}`);
  const { sink } = recordingPlace('updateProgressArtifact');
  await sink.updateArtifactProgress(id, progress);
}
