// jsonText writes flat objects without JSON.stringify (a speed-up): for any value it must give exactly
// what JSON.stringify gives, or throw where it throws.
import { expect } from 'chai';
import fc from 'fast-check';
import { jsonText } from '../../mock-server/http-io.js';

function stringifyOrError(value: unknown): string | Error {
  try {
    return JSON.stringify(value);
  } catch (err) {
    return err as Error;
  }
}

describe('mock: JSON text of answers', () => {
  // Strings that need escapes and strings that do not; numbers JSON writes differently from String().
  const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', '\u007f', '\u2028', '\ud800', 'a\nb', 'plain text'));
  const primitive = fc.oneof(
    text,
    fc.double(),
    fc.constantFrom(-0, NaN, Infinity, -Infinity, 1e21, 5e-7),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
  );
  const key = fc.oneof(fc.constantFrom('presence', 'status_msg', 'last_active_ago', 'currently_active', '0', '10', '__proto__', 'a"b'), text);
  const flat = fc.dictionary(key, primitive, { maxKeys: 6 });
  const nested = fc.dictionary(key, fc.oneof(primitive, flat, fc.array(primitive, { maxLength: 3 })), { maxKeys: 4 });

  it('gives what JSON.stringify gives, for flat objects, nested ones and anything else', () => {
    fc.assert(
      fc.property(fc.oneof(flat, nested, primitive, fc.array(primitive), fc.anything()), (value) => {
        const expected = stringifyOrError(value);
        if (expected instanceof Error) expect(() => jsonText(value)).to.throw(expected.constructor as ErrorConstructor);
        else expect(jsonText(value)).to.equal(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves to JSON.stringify what is not a plain object: other prototypes, toJSON, functions, BigInt', () => {
    const noProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    class Point {
      x = 1;
    }
    for (const value of [noProto, new Point(), { when: new Date(0) }, { f: () => 1, s: Symbol('s'), n: 2 }, new Map([['a', 1]])]) {
      expect(jsonText(value)).to.equal(JSON.stringify(value));
    }
    expect(() => jsonText({ big: 1n })).to.throw(TypeError);
    expect(jsonText({ presence: 'online', last_active_ago: 12, status_msg: 'out "to" lunch', currently_active: true })).to.equal(
      '{"presence":"online","last_active_ago":12,"status_msg":"out \\"to\\" lunch","currently_active":true}',
    );
  });
});
