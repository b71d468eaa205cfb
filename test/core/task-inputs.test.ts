import { describe, expect, it } from 'vitest';
import { nodeKind } from '../../app/core/flow-document/index.js';
import {
  HttpRequestInput,
  inputField,
  NotifyInput,
  ReadFileInput,
  ShellCommandInput,
  SqlQueryInput,
  WriteFileInput,
} from '../../app/core/task-inputs.js';

const INPUTS = {
  httpRequest: HttpRequestInput,
  sqlQuery: SqlQueryInput,
  shellCommand: ShellCommandInput,
  readFile: ReadFileInput,
  writeFile: WriteFileInput,
  notify: NotifyInput,
};

describe('built-in task inputs', () => {
  it("are the fields of the tasks' node kinds, with the same defaults and checks", () => {
    for (const [kindId, input] of Object.entries(INPUTS)) {
      const kind = nodeKind(kindId)!;
      expect(
        kind.fields.map((f) => f.name),
        kindId,
      ).toEqual(Object.keys(input.shape));
      for (const spec of kind.fields) {
        const field = inputField(input, spec.name);
        expect(spec.default, `${kindId}.${spec.name}`).toEqual(field.default);
        expect(spec.schema, `${kindId}.${spec.name}`).toBe(field.schema);
      }
    }
  });

  it('fill in the defaults of what is left out, and say what a given value must be', () => {
    expect(HttpRequestInput.parse({ url: 'https://example.com' })).toEqual({ url: 'https://example.com', method: 'GET', timeoutSeconds: 30 });
    expect(WriteFileInput.parse({ path: 'out.txt', content: '' })).toEqual({ path: 'out.txt', content: '', encoding: 'utf8', append: false });
    expect(NotifyInput.parse({ message: 'hi' }).level).toBe('info');
    expect(inputField(HttpRequestInput, 'method').schema.safeParse('get x').success).toBe(false);
    expect(inputField(ShellCommandInput, 'timeoutSeconds')).not.toHaveProperty('default');
    expect(() => inputField(ReadFileInput, 'nope')).toThrow(/no field 'nope'/);
  });
});
