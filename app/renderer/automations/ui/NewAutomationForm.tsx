import { useState, type FormEvent } from 'react';
import { useServices } from '../../app/services-context.js';
import { automationFromForm, EMPTY_AUTOMATION_FORM, type AutomationFormValues } from '../model/automation-form.js';

/** Makes an automation that notifies through a block when a flow run enters some states; the server's refusal is shown as said. */
export function NewAutomationForm({ blocks, onCreated }: { blocks: readonly string[]; onCreated: () => void }) {
  const { client } = useServices();
  const [values, setValues] = useState<AutomationFormValues>(EMPTY_AUTOMATION_FORM);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const block = values.block || blocks[0] || '';

  function field(key: keyof AutomationFormValues) {
    return {
      value: key === 'block' ? block : values[key],
      onChange: (event: { target: { value: string } }) => setValues({ ...values, [key]: event.target.value }),
    };
  }

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setSaving(true);
    setProblem(null);
    try {
      await client.createAutomation({ body: automationFromForm({ ...values, block }) });
      setValues(EMPTY_AUTOMATION_FORM);
      onCreated();
    } catch (failure) {
      setProblem((failure as Error).message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="fd-automation-form" data-testid="new-automation" onSubmit={(event) => void submit(event)}>
      <h2>New automation</h2>
      {blocks.length === 0 ? (
        <p className="fd-muted">
          Notifications go through a webhook, slack-webhook or smtp-email block: make one with <code>flowdeck block create</code>.
        </p>
      ) : null}
      <label>
        Name <input name="name" required {...field('name')} />
      </label>
      <label>
        When a flow run enters <input name="states" {...field('states')} />
      </label>
      <label>
        Of flows <input name="flows" placeholder="any" {...field('flows')} />
      </label>
      <label>
        With any of the tags <input name="tags" placeholder="any" {...field('tags')} />
      </label>
      <label>
        Notify through
        <select name="block" {...field('block')}>
          {blocks.map((address) => (
            <option key={address} value={address}>
              {address}
            </option>
          ))}
        </select>
      </label>
      <label>
        Message <textarea name="body" rows={3} {...field('body')} />
      </label>
      {problem ? (
        <div className="fd-notice is-error" role="alert" data-testid="new-automation-problem">
          <span>{problem}</span>
        </div>
      ) : null}
      <button type="submit" className="fd-button" disabled={saving || block === ''}>
        Create automation
      </button>
    </form>
  );
}
