import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../core/api/errors.js';
import { errorMessage } from '../../../core/error-message.js';
import type { TaskRun, TaskRunBreakpoint } from '../../../core/runs.js';
import { useServices } from '../../app/services-context.js';
import { Modal } from '../../shared/Modal.js';
import { handleShortcut } from '../../shared/shortcuts.js';
import {
  breakpointOffer,
  continueAllBody,
  continueBody,
  parseEditedInputs,
  parseSkipResult,
  skipBody,
  stoppedHereLabel,
  type StoppedGroup,
} from '../model/breakpoints.js';

/** One request at a time: which, while it is in flight, and why the last one failed. */
function useRequest(onDone: () => Promise<void> | void) {
  const [pending, setPending] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const send = async (which: string, request: () => Promise<unknown>): Promise<boolean> => {
    if (pending) return false;
    setPending(which);
    setProblem(null);
    try {
      await request();
      await onDone();
      return true;
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : `Could not reach the server: ${errorMessage(error)}`);
      return false;
    } finally {
      setPending(null);
    }
  };
  return { pending, problem, send };
}

/** F5 and F10 while a stop is shown; the browser's own reload and menu keys are kept from acting. */
function useDebugKeys(handlers: { continue: () => void; step: () => void }) {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    // A dialog open over the page (Stop's question) keeps the keys to itself.
    const noDialog = () => document.querySelector('[aria-modal="true"]') === null;
    const onKey = (event: KeyboardEvent) =>
      handleShortcut(
        event,
        'runDebug',
        {
          'runDebug.continue': (e) => {
            e.preventDefault();
            latest.current.continue();
          },
          'runDebug.step': (e) => {
            e.preventDefault();
            latest.current.step();
          },
        },
        noDialog,
      );
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Where a stopped task run stopped, read by its id (the list of a run's task runs does not carry it). */
function useBreakpoint(run: TaskRun): { breakpoint: TaskRunBreakpoint | null | undefined; readError: string | null } {
  const { client } = useServices();
  const stopId = run.state.transitionId ?? String(run.state.timestamp);
  const [read, setRead] = useState<{ stopId: string; breakpoint: TaskRunBreakpoint | null; error: string | null } | null>(null);
  useEffect(() => {
    let current = true;
    client
      .getTaskRun({ params: { id: run.id } })
      .then((fresh) => {
        if (current) setRead({ stopId, breakpoint: fresh.breakpoint ?? null, error: null });
      })
      .catch((error) => {
        if (current) setRead({ stopId, breakpoint: null, error: `Could not read where it stopped: ${errorMessage(error)}` });
      });
    return () => {
      current = false;
    };
  }, [client, run.id, stopId]);
  if (!read || read.stopId !== stopId) return { breakpoint: undefined, readError: null };
  return { breakpoint: read.breakpoint, readError: read.error };
}

/** Asks before the whole flow run is cancelled from a stop. */
function StopRunButton({ flowRunId, onDone }: { flowRunId: string; onDone: () => Promise<void> | void }) {
  const { client } = useServices();
  const [asking, setAsking] = useState(false);
  const { pending, problem, send } = useRequest(onDone);
  return (
    <>
      <button type="button" className="fd-button is-danger" disabled={pending !== null} onClick={() => setAsking(true)} data-testid="bp-stop">
        {pending ? 'Stopping…' : 'Stop'}
      </button>
      {problem ? (
        <p className="fd-field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {asking ? (
        <Modal title="Stop the flow run?" onCancel={() => setAsking(false)}>
          <p>The flow run is cancelled: the task runs held at breakpoints do not go on, and nothing after them runs.</p>
          <div className="fd-modal-actions">
            <button type="button" className="fd-button" onClick={() => setAsking(false)}>
              Keep it stopped here
            </button>
            <button
              type="button"
              className="fd-button is-danger"
              data-testid="bp-stop-confirm"
              onClick={() => {
                setAsking(false);
                void send('stop', () => client.cancelFlowRun({ params: { id: flowRunId } }));
              }}
            >
              Stop the run
            </button>
          </div>
        </Modal>
      ) : null}
    </>
  );
}

/** The prompt of one task run held at a breakpoint: why, its inputs, and what can be done. */
export function BreakpointControls({ run, onAnswered }: { run: TaskRun; onAnswered: () => Promise<void> | void }) {
  const { client } = useServices();
  const { breakpoint, readError } = useBreakpoint(run);
  const { pending, problem, send } = useRequest(onAnswered);
  const [editor, setEditor] = useState<'inputs' | 'skip' | null>(null);
  const [text, setText] = useState('');
  const [editorError, setEditorError] = useState<string | null>(null);
  const offer = breakpoint ? breakpointOffer(breakpoint) : null;

  // A new stop of the run starts with the editors closed.
  const stopId = run.state.transitionId;
  useEffect(() => {
    setEditor(null);
    setEditorError(null);
  }, [stopId]);

  const id = { params: { id: run.id } };
  const goOn = (step: boolean, inputs?: unknown[]) =>
    send(step ? 'step' : 'continue', () => client.continueTaskRun({ ...id, body: continueBody({ step, ...(inputs ? { inputs } : {}) }) }));

  const open = (which: 'inputs' | 'skip') => {
    setEditor(which);
    setEditorError(null);
    setText(which === 'inputs' ? (offer?.inputsText ?? '') : 'null');
  };
  // The edit is checked here first; the server's refusal (a 422) is shown under the editor too.
  const sendEdit = async (step: boolean) => {
    if (!offer || offer.argumentCount === null) return;
    const parsed = parseEditedInputs(text, offer.argumentCount);
    if (!parsed.ok) return setEditorError(parsed.message);
    setEditorError(null);
    const sent = await goOn(step, parsed.value);
    if (sent) setEditor(null);
  };
  const sendSkip = async () => {
    const parsed = parseSkipResult(text);
    if (!parsed.ok) return setEditorError(parsed.message);
    setEditorError(null);
    const sent = await send('skip', () => client.skipTaskRun({ ...id, body: skipBody(parsed.value) }));
    if (sent) setEditor(null);
  };

  // With the inputs editor open the keys send the edit, never the inputs it would replace.
  useDebugKeys({
    continue: () => {
      if (editor === 'inputs') void sendEdit(false);
      else if (editor === null) void goOn(false);
    },
    step: () => {
      if (offer?.onFailure) return;
      if (editor === 'inputs') void sendEdit(true);
      else if (editor === null) void goOn(true);
    },
  });

  const busy = pending !== null;
  const label = (which: string, idle: string, working: string) => (pending === which ? working : idle);
  return (
    <section className="fd-breakpoint" data-testid="breakpoint-panel" aria-label="Stopped at a breakpoint">
      <h3>Stopped at a breakpoint</h3>
      <p data-testid="bp-reason">{offer?.reason ?? run.state.message ?? 'stopped at a breakpoint'}</p>
      {readError ? (
        <p className="fd-field-error" role="alert">
          {readError}
        </p>
      ) : null}
      {breakpoint === undefined ? <p className="fd-muted">Reading where it stopped…</p> : null}
      {offer?.error ? (
        <pre className="fd-stack" data-testid="bp-error">
          {offer.error.stack ?? `${offer.error.name}: ${offer.error.message}`}
        </pre>
      ) : null}
      {offer ? (
        <>
          <h4>Inputs</h4>
          {offer.inputsText !== null ? (
            <pre className="fd-value" data-testid="bp-inputs">
              {offer.inputsText}
            </pre>
          ) : (
            <p className="fd-muted">Its inputs cannot be written as JSON, so they cannot be edited.</p>
          )}
          <div className="fd-breakpoint-actions">
            {offer.controls.includes('continue') ? (
              <button
                type="button"
                className="fd-button is-primary"
                disabled={busy}
                onClick={() => void goOn(false)}
                title="Continue (F5)"
                data-testid="bp-continue"
              >
                {label('continue', 'Continue', 'Continuing…')}
              </button>
            ) : null}
            {offer.controls.includes('step') ? (
              <button type="button" className="fd-button" disabled={busy} onClick={() => void goOn(true)} title="Step (F10)" data-testid="bp-step">
                {label('step', 'Step', 'Stepping…')}
              </button>
            ) : null}
            {offer.controls.includes('runAgain') ? (
              <button
                type="button"
                className="fd-button is-primary"
                disabled={busy}
                onClick={() => void goOn(false)}
                title="Run it again (F5)"
                data-testid="bp-run-again"
              >
                {label('continue', 'Run again', 'Running again…')}
              </button>
            ) : null}
            {offer.controls.includes('skip') ? (
              <button type="button" className="fd-button" disabled={busy} onClick={() => open('skip')} data-testid="bp-skip">
                Skip…
              </button>
            ) : null}
            {offer.controls.includes('editInputs') ? (
              <button type="button" className="fd-button" disabled={busy} onClick={() => open('inputs')} data-testid="bp-edit-inputs">
                Edit inputs…
              </button>
            ) : null}
            {offer.controls.includes('letItFail') ? (
              <button
                type="button"
                className="fd-button"
                disabled={busy}
                onClick={() => void send('fail', () => client.failTaskRun(id))}
                data-testid="bp-let-fail"
              >
                {label('fail', 'Let it fail', 'Failing…')}
              </button>
            ) : null}
            <StopRunButton flowRunId={run.flowRunId} onDone={onAnswered} />
          </div>
          {editor ? (
            <div className="fd-breakpoint-editor" data-testid={editor === 'inputs' ? 'bp-inputs-editor' : 'bp-skip-editor'}>
              <label className="fd-field">
                <span>
                  {editor === 'inputs'
                    ? `Inputs: a JSON array of ${offer.argumentCount} argument${offer.argumentCount === 1 ? '' : 's'}`
                    : 'Result (JSON)'}
                </span>
                <textarea
                  value={text}
                  spellCheck={false}
                  rows={Math.min(12, Math.max(3, text.split('\n').length))}
                  onChange={(e) => setText(e.target.value)}
                  aria-invalid={editorError !== null || (problem !== null && editor !== null)}
                  data-testid="bp-editor-text"
                />
              </label>
              {editorError || problem ? (
                <p className="fd-field-error" role="alert" data-testid="bp-editor-error">
                  {editorError ?? problem}
                </p>
              ) : null}
              <div className="fd-breakpoint-actions">
                {editor === 'skip' ? (
                  <button type="button" className="fd-button is-primary" disabled={busy} onClick={() => void sendSkip()} data-testid="bp-skip-send">
                    {label('skip', 'Skip with this result', 'Skipping…')}
                  </button>
                ) : offer.onFailure ? (
                  <button
                    type="button"
                    className="fd-button is-primary"
                    disabled={busy}
                    onClick={() => void sendEdit(false)}
                    data-testid="bp-edit-continue"
                  >
                    {label('continue', 'Run again with these inputs', 'Running again…')}
                  </button>
                ) : (
                  <>
                    <button
                      type="button"
                      className="fd-button is-primary"
                      disabled={busy}
                      onClick={() => void sendEdit(false)}
                      data-testid="bp-edit-continue"
                    >
                      {label('continue', 'Continue with these inputs', 'Continuing…')}
                    </button>
                    <button type="button" className="fd-button" disabled={busy} onClick={() => void sendEdit(true)} data-testid="bp-edit-step">
                      {label('step', 'Step with these inputs', 'Stepping…')}
                    </button>
                  </>
                )}
                <button type="button" className="fd-button" disabled={busy} onClick={() => setEditor(null)}>
                  Cancel
                </button>
              </div>
            </div>
          ) : null}
        </>
      ) : null}
      {problem && !editor ? (
        <p className="fd-field-error" role="alert" data-testid="bp-error-message">
          {problem}
        </p>
      ) : null}
    </section>
  );
}

/** The prompt of the stopped runs of a mapped task, answered as one: all at once, or the first stepped. */
export function StoppedGroupControls({
  flowRunId,
  group,
  onAnswered,
  keys = false,
}: {
  flowRunId: string;
  group: StoppedGroup;
  onAnswered: () => Promise<void> | void;
  /** Whether F5 and F10 answer this group (for the one prompt shown in the task run panel). */
  keys?: boolean;
}) {
  const { client } = useServices();
  const { pending, problem, send } = useRequest(onAnswered);
  const continueAll = () => send('all', () => client.continueFlowRun({ params: { id: flowRunId }, body: continueAllBody() }));
  const stepOne = () => send('one', () => client.continueTaskRun({ params: { id: group.taskRunIds[0] }, body: continueBody({ step: true }) }));
  return (
    <div className="fd-breakpoint-group" data-testid="bp-group" data-task-key={group.taskKey}>
      {keys ? <DebugKeys onContinue={() => void continueAll()} onStep={() => void stepOne()} /> : null}
      <span>
        <strong>{group.label}</strong>: <span data-testid="bp-group-count">{stoppedHereLabel(group.taskRunIds.length)}</span>
      </span>
      <button
        type="button"
        className="fd-button is-primary"
        disabled={pending !== null}
        onClick={() => void continueAll()}
        data-testid="bp-continue-all"
        title="Continue every stopped task run of the flow run"
      >
        {pending === 'all' ? 'Continuing…' : 'Continue all'}
      </button>
      <button
        type="button"
        className="fd-button"
        disabled={pending !== null}
        onClick={() => void stepOne()}
        data-testid="bp-step-one"
        title="Run the first of them, then stop before the next task run"
      >
        {pending === 'one' ? 'Stepping…' : 'Step one'}
      </button>
      {problem ? (
        <span className="fd-field-error" role="alert">
          {problem}
        </span>
      ) : null}
    </div>
  );
}

function DebugKeys({ onContinue, onStep }: { onContinue: () => void; onStep: () => void }) {
  useDebugKeys({ continue: onContinue, step: onStep });
  return null;
}
