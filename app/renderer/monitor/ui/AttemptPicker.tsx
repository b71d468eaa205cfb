import { attemptLabel, type AttemptChoice, type FlowRunAttempt } from '../model/attempts.js';

/** Which attempt of a retried run the views show, and why that attempt began; nothing for a run with one attempt. */
export function AttemptPicker({
  attempts,
  shown,
  allowAll = true,
  onChoose,
}: {
  attempts: readonly FlowRunAttempt[];
  shown: AttemptChoice;
  /** Offers every attempt at once, for a view that can show them as bands. */
  allowAll?: boolean;
  onChoose: (choice: AttemptChoice) => void;
}) {
  if (attempts.length <= 1) return null;
  const message = shown === 'all' ? null : (attempts[shown - 1]?.retryMessage ?? null);
  return (
    <div className="fd-attempt-bar" data-testid="attempt-bar">
      <select
        value={String(shown)}
        data-testid="attempt-picker"
        aria-label="Attempt shown"
        onChange={(event) => onChoose(event.target.value === 'all' ? 'all' : Number(event.target.value))}
      >
        {attempts.map((attempt) => (
          <option key={attempt.attempt} value={attempt.attempt}>
            {attemptLabel(attempt.attempt, attempts.length)}
          </option>
        ))}
        {allowAll ? <option value="all">All attempts</option> : null}
      </select>
      {message ? (
        <span className="fd-muted" data-testid="attempt-retry-message">
          {message}
        </span>
      ) : null}
    </div>
  );
}
