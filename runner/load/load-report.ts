// Reads a saved report (schemas/report.schema.json) for `report merge`, `compare` and `render`. A good
// report is read as plain JSON (fast, even for large transcripts); only a bad one is re-read with
// positions, so its problems name file:line:col. Whatever was saved, it is redacted again on the way
// in: a report written before redaction, or edited by hand, must not pass a secret on to a new output.
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../project/errors.js';
import { displayPath } from '../../project/paths.js';
import { Redactor } from '../../project/redact.js';
import type { Report } from '../../project/report.js';
import { parseYamlText } from '../../project/yaml-source.js';
import { assertFormat, validateFormat } from './format-schemas.js';

export async function loadReport(file: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${displayPath(file)}: cannot read: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (data === undefined || validateFormat('report', data).length > 0) {
    const source = parseYamlText(text, displayPath(file));
    assertFormat('report', source);
    data = source.data;
  }
  return new Redactor().value(data as Report);
}
