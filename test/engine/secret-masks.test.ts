import { describe, expect, it } from 'vitest';
import { maskSecrets, maskSecretsDeep, registerSecretValues } from '../../app/engine/blocks/secret-masks.js';

describe('secret masks', () => {
  it('mask every loaded value of 4 characters or more, as text and as JSON escapes it, in any depth of a report', () => {
    const plain = { message: 'nothing to hide', list: ['a'] };
    // Nothing loaded yet: reports pass as they are, the same objects.
    expect(maskSecretsDeep(plain)).toBe(plain);
    registerSecretValues(['abc', 'p@ss"word', 'p@ss"word-longer']);
    expect(maskSecrets('short abc stays')).toBe('short abc stays');
    expect(maskSecrets('the p@ss"word-longer and the p@ss"word')).toBe('the ******** and the ********');
    expect(maskSecrets(JSON.stringify({ value: 'p@ss"word' }))).toBe('{"value":"********"}');
    expect(maskSecretsDeep({ state: { message: 'bad p@ss"word' }, inputs: ['x p@ss"word'], n: 3 })).toEqual({
      state: { message: 'bad ********' },
      inputs: ['x ********'],
      n: 3,
    });
  });
});
