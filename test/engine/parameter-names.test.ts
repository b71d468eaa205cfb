import { describe, expect, it } from 'vitest';
import { bindArguments, bindByName, flowSignature } from '../../app/engine/flow-parameters.js';
import { declaredParameters } from '../../app/engine/parameter-names.js';
import { ParameterValidationError } from '../../app/engine/index.js';

/** Parameters as `name`, `name=`, `...name` and `{}0` / `[]1` for destructured ones. */
function shapes(fn: (...args: never[]) => unknown): string[] {
  return declaredParameters(fn).map((p) => {
    const base = p.destructured === 'object' ? `{}${p.name}` : p.destructured === 'array' ? `[]${p.name}` : p.name;
    return `${p.rest ? '...' : ''}${base}${p.hasDefault ? '=' : ''}`;
  });
}

describe('reading the parameters a function declares', () => {
  it('reads arrows, async arrows, functions and methods', () => {
    expect(shapes(() => 1)).toEqual([]);
    expect(shapes((n: number) => n)).toEqual(['n']);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a function made from source is one of the shapes read
    expect(shapes(new Function('n', 'return n') as never)).toEqual(['n']);
    expect(shapes(eval('(x => x)'))).toEqual(['x']);
    expect(shapes(eval('(async x => x)'))).toEqual(['x']);
    expect(shapes(eval('(async => async)'))).toEqual(['async']);
    expect(
      shapes(async function named(a: number, b: string) {
        return [a, b];
      }),
    ).toEqual(['a', 'b']);
    expect(
      shapes(
        {
          method(a: number, b = 2) {
            return a + b;
          },
        }.method as never,
      ),
    ).toEqual(['a', 'b=']);
  });

  it('reads defaults that hold commas, brackets, strings and comments, and rest parameters', () => {
    const fn = eval(`(async (a = f(1, 2), /* b, c */ b = { x: [1, ')'] }, c = 'x,)', // trailing, note
      d = \`(\${1}, 2)\`, ...rest) => 0)`);
    expect(shapes(fn)).toEqual(['a=', 'b=', 'c=', 'd=', '...rest']);
  });

  it('names destructured parameters by position, and sees their defaults', () => {
    expect(shapes(eval('(({ a, b }) => a + b)'))).toEqual(['{}0']);
    expect(shapes(eval('(({ a = 1, b } = {}, [c, d]) => 0)'))).toEqual(['{}0=', '[]1']);
    expect(shapes(eval('((n, { a: { b } }) => 0)'))).toEqual(['n', '{}1']);
  });
});

describe('binding a flow call', () => {
  const positional = (fn: (...args: never[]) => unknown) => {
    const signature = flowSignature(fn, false);
    if (signature.kind !== 'positional') throw new Error('expected a positional flow');
    return signature.parameters;
  };

  it('takes one object for a schema, a destructured first parameter or no parameters at all', () => {
    expect(flowSignature(eval('((n) => n)'), true)).toEqual({ kind: 'object' });
    expect(flowSignature(eval('(({ n }) => n)'), false)).toEqual({ kind: 'object' });
    expect(flowSignature(eval('(() => 1)'), false)).toEqual({ kind: 'object' });
    expect(flowSignature(eval('((n, m) => n)'), false).kind).toBe('positional');
  });

  it('names arguments, and the names give the same call back', () => {
    const parameters = positional(eval('((a, b = 2, ...more) => 0)'));
    for (const args of [[1], [1, 3], [1, 3, 'x', 'y'], []]) {
      const bound = bindArguments('f', parameters, args);
      expect(bound.args).toEqual(args);
      expect(bindByName('f', parameters, bound.params).args).toEqual(args);
    }
    expect(bindArguments('f', parameters, [1, 3, 'x']).params).toEqual({ a: 1, b: 3, more: ['x'] });
  });

  it('a one-parameter flow takes its value by name, or every parameter as one object', () => {
    const parameters = positional(eval('((params) => params)'));
    expect(bindByName('f', parameters, { params: 5 }).args).toEqual([5]);
    expect(bindByName('f', parameters, { limit: 5 }).args).toEqual([{ limit: 5 }]);
    expect(bindByName('f', parameters, {}).args).toEqual([{}]);
    expect(bindArguments('f', parameters, [{ limit: 5 }]).params).toEqual({ limit: 5 });
    expect(bindArguments('f', parameters, [{ params: 5 }]).params).toEqual({ params: { params: 5 } });
    const withDefault = positional(eval('((options = { limit: 1 }) => options)'));
    expect(bindByName('f', withDefault, {}).args).toEqual([]);
    expect(bindArguments('f', withDefault, [{}]).params).toEqual({ options: {} });
  });

  it('refuses unknown names, too many arguments and a rest parameter that is not an array', () => {
    const parameters = positional(eval('((a, b) => 0)'));
    expect(() => bindByName('f', parameters, { a: 1, c: 2 })).toThrow(/c: the flow takes no parameter 'c'; it takes a, b/);
    expect(() => bindByName('f', parameters, [1, 2])).toThrow(/parameters must be an object/);
    expect(() => bindArguments('f', parameters, [1, 2, 3])).toThrow(ParameterValidationError);
    expect(() => bindByName('f', positional(eval('((...xs) => 0)')), { xs: 3 })).toThrow(
      /xs: takes the rest of the arguments, so it must be an array/,
    );
  });
});
