// The Markdown tables of README.md (configuration, errors, faults, variants), generated from their
// single sources: the config schema, the error catalogue, the fault and the variant catalogue. A test checks that the
// document contains exactly these tables, so the documentation cannot drift.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { MOCK_CONFIG_SCHEMA_FILE } from '../mock-server/config.js';
import { ERRORS } from '../mock-server/errors.js';
import { FAULTS, FAULT_NAMES } from '../mock-server/faults.js';
import { VARIANTS, VARIANT_NAMES, type VariantSpec } from '../mock-server/variants.js';

interface SchemaNode {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function configTable(): string {
  const schema = JSON.parse(readFileSync(MOCK_CONFIG_SCHEMA_FILE, 'utf8')) as SchemaNode;
  const rows: string[] = ['| key | type | default | meaning |', '| --- | --- | --- | --- |'];
  const walk = (node: SchemaNode, prefix: string): void => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = prefix + key;
      if (child.properties) walk(child, `${path}.`);
      else rows.push(`| \`${path}\` | ${child.type ?? 'enum'} | \`${JSON.stringify(child.default)}\` | ${cell(child.description ?? '')} |`);
    }
  };
  walk(schema, '');
  return rows.join('\n');
}

export function errorTable(): string {
  const rows = ['| name | status | errcode | message |', '| --- | --- | --- | --- |'];
  for (const [name, e] of Object.entries(ERRORS)) rows.push(`| ${name} | ${e.status} | \`${e.errcode}\` | ${cell(e.message)} |`);
  return rows.join('\n');
}

export function faultTable(): string {
  const rows = ['| fault | defect | breaks |', '| --- | --- | --- |'];
  for (const name of FAULT_NAMES) rows.push(`| \`${name}\` | ${cell(FAULTS[name].description)} | ${cell(FAULTS[name].breaks)} |`);
  return rows.join('\n');
}

export function variantTable(): string {
  const rows = ['| variant | behaviour | the texts that allow it | seen in |', '| --- | --- | --- | --- |'];
  for (const name of VARIANT_NAMES) {
    const v: VariantSpec = VARIANTS[name];
    const takes = v.takes?.length ? ` Takes the freedom of the SHOULD clause ${v.takes.map((id) => `\`${id}\``).join(', ')}.` : '';
    rows.push(`| \`${name}\` | ${cell(v.description)} | ${cell(v.allows)}.${takes} | ${cell(v.from ?? '')} |`);
  }
  return rows.join('\n');
}

// `npx tsx scripts/mock-reference-tables.ts` prints the four tables, to paste into the document when a
// test says it has drifted.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`${configTable()}\n\n${errorTable()}\n\n${faultTable()}\n\n${variantTable()}`);
}
