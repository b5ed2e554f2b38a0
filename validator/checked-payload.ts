// The verdict on one payload, shared by the checks of payload files (validate-payloads.ts) and of spec
// trees (check-spec-tree.ts), and rendered by validate-report.ts.
import type { SchemaViolation } from '../project/schemas.js';
import type { Position } from '../project/yaml-source.js';

export interface Finding extends SchemaViolation {
  file: string;
  line: number;
  column: number;
}

/** Where ours refuses what the tree's own schema accepts: the place and the clause our schema cites. */
export interface StricterClause {
  pointer: string;
  clause: string;
}

export interface CheckedPayload {
  file: string;
  line: number;
  column: number;
  /** 0-based index of the YAML document, when the file holds several. */
  document?: number;
  /** For spec examples: what the example is. */
  label?: string;
  /** For spec examples: the example's identity across releases and layouts (the history's column). */
  key?: string;
  schema: string;
  /** Whether the schema was named by --schema, chosen from the payload's shape, or set by the spec tree. */
  chosen: 'named' | 'automatic' | 'spec-example';
  valid: boolean;
  errors: Finding[];
  /** For spec examples: the verdict of the tree's own schema on the same payload. */
  official?: { valid: boolean; errors: Finding[]; schema: string } | { unavailable: string };
  /** For spec examples ours refuses and the tree's schema accepts: why ours is stricter, per place. */
  stricter?: StricterClause[];
}

/** The violations, each located by `locate` (in `file`, unless locate names the file itself). */
export function withPositions(violations: SchemaViolation[], locate: (pointer: string) => Position & { file?: string }, file = ''): Finding[] {
  return violations.map((v) => ({ ...v, file, ...locate(v.pointer) }));
}

/** Whether the tree's own schema and ours reach different verdicts on a payload. */
export function disagrees(c: CheckedPayload): boolean {
  return c.official !== undefined && 'valid' in c.official && c.official.valid !== c.valid;
}
