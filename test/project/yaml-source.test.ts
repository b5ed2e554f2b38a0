import { expect } from 'chai';
import { UnreadableInputError } from '../../project/errors.js';
import { parseWithPositions } from '../../project/yaml-source.js';

describe('source positions', () => {
  const json = '{\n  "type": "m.presence",\n  "content": {\n    "presence": "away"\n  }\n}\n';

  it('locates a JSON value by pointer (1-based line and column of the value)', () => {
    const [doc] = parseWithPositions(json, 'x.json', true);
    expect(doc!.data).to.deep.equal(JSON.parse(json));
    expect(doc!.locate('/content/presence')).to.deep.equal({ line: 4, column: 17 });
    expect(doc!.locate('')).to.deep.equal({ line: 1, column: 1 });
  });

  it('falls back to the nearest existing ancestor for a missing key', () => {
    const [doc] = parseWithPositions(json, 'x.json', true);
    expect(doc!.locate('/content/last_active_ago')).to.deep.equal({ line: 3, column: 14 });
  });

  it('locates array items and YAML values, one entry per YAML document', () => {
    const docs = parseWithPositions('events:\n  - type: m.presence\n    sender: bob\n---\npresence: online\n', 'x.yaml', false);
    expect(docs).to.have.length(2);
    expect(docs[0]!.locate('/events/0/sender')).to.deep.equal({ line: 3, column: 13 });
    expect(docs[1]!.locate('/presence')).to.deep.equal({ line: 5, column: 11 });
  });

  it('reports broken JSON with line and column', () => {
    expect(() => parseWithPositions('{\n  "a": 1,\n}', 'bad.json', true)).to.throw(UnreadableInputError, /^bad\.json:3:1: not valid JSON/);
  });

  it('reports broken YAML with line and column', () => {
    expect(() => parseWithPositions('a: [1, 2\nb: 3\n', 'bad.yaml', false)).to.throw(UnreadableInputError, /^bad\.yaml:\d+:\d+: not valid YAML/);
  });

  it('refuses a YAML alias bomb instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    expect(() => parseWithPositions(`${levels.join('\n')}\n`, 'bomb.yaml', false)).to.throw(UnreadableInputError, /^bomb\.yaml: not usable YAML/);
  });

  it('accepts duplicate keys in JSON like JSON.parse (the last one wins)', () => {
    const [doc] = parseWithPositions('{"presence": "online", "presence": "offline"}', 'dup.json', true);
    expect(doc!.data).to.deep.equal({ presence: 'offline' });
  });
});
