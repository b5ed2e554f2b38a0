// Reading spec files as the spec's tooling (PyYAML) reads them: the flow indentation only PyYAML
// accepts, duplicate keys, and JSON examples written as text inside YAML.
import { expect } from 'chai';
import { UnreadableInputError } from '../../project/errors.js';
import { parseWithPositions } from '../../project/yaml-source.js';
import { indentFlowContinuations, readEmbeddedJson, readSpecYaml } from '../../validator/spec-yaml.js';

// The shape of v1.2's client_event.yaml: the example's closing brace is less indented than its key.
const underIndented = [
  'properties:',
  '  unsigned:',
  '    properties:',
  '        redacted_because:',
  '          example: {',
  '            "type": "m.room.redaction",',
  '            "unsigned": {',
  '              "age": 1257,',
  '            }',
  '        }',
  'required:',
  '  - room_id',
  '',
].join('\n');

describe('spec files read as PyYAML reads them', () => {
  it('a strict YAML 1.2 reader refuses a flow map that ends left of its key', () => {
    expect(() => parseWithPositions(underIndented, 'x.yaml', false)).to.throw(UnreadableInputError, /x\.yaml:10:9: not valid YAML/);
  });

  it('reads it with the values PyYAML gives, notes where, and locates values in the file as it is', () => {
    const doc = readSpecYaml(underIndented, 'x.yaml');
    expect(doc.data).to.deep.equal({
      properties: { unsigned: { properties: { redacted_because: { example: { type: 'm.room.redaction', unsigned: { age: 1257 } } } } } },
      required: ['room_id'],
    });
    expect(doc.forgiven).to.include({ line: 10 });
    expect(doc.locate('/properties/unsigned/properties/redacted_because/example/unsigned/age')).to.deep.equal({ line: 8, column: 22 });
    expect(doc.locate('/required/0')).to.deep.equal({ line: 12, column: 5 });
  });

  it('re-indents only continuation lines of flow collections that sit left of their key', () => {
    const text = ['a:', '  b: "a {quoted} brace"', '  c: |', '    {a block scalar', '  d: [1,', '  ]', '  e: {', ' "f": 1}', '- {x: 1,', '  y: 2}'].join('\n');
    // A closing bracket at the key's column is fine for strict readers too; " "f"" at column 1 is not.
    expect([...indentFlowContinuations(text).shifts]).to.deep.equal([[8, 2]]);
  });

  it('takes the last of duplicate keys, as PyYAML and JSON.parse do', () => {
    expect(readSpecYaml('a: 1\na: 2\n', 'x.yaml').data).to.deep.equal({ a: 2 });
  });

  it('names file, line and column when even PyYAML could not read a file', () => {
    expect(() => readSpecYaml('a: [1,\nb: 2\n', 'x.yaml')).to.throw(UnreadableInputError, /^x\.yaml:\d+:\d+: not valid YAML: /);
  });

  describe('JSON examples written as text in YAML (Swagger 2.0)', () => {
    const file = ['examples:', '  application/json: |-', '    {', '      "presence": "away"', '    }', ''].join('\n');
    const start = () => ({ line: 2, column: 21 });

    it('parses the text as JSON and locates its values in the YAML file', () => {
      const doc = readEmbeddedJson(file, 'x.yaml', start, '{\n  "presence": "away"\n}');
      expect(doc.data).to.deep.equal({ presence: 'away' });
      expect(doc.locate('/presence')).to.deep.equal({ line: 4, column: 19 });
    });

    it('refuses text that is not JSON, at its place in the YAML file', () => {
      expect(() => readEmbeddedJson(file, 'x.yaml', start, '{\n  "presence": away\n}')).to.throw(
        UnreadableInputError,
        /^x\.yaml:4:\d+: the example is not valid JSON/,
      );
    });
  });
});
