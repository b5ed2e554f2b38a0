// The validator's one entry point: the library's `matrix-presence-conformance/validator`
// (docs/library.md) and all the `validate` command takes from the validator. Payload files and folders,
// or a Matrix spec tree (validatePayloads), or every release of a spec repository (specHistory), checked
// against the presence schemas under schemas/matrix/; each result renders as text or as JSON
// (schemas/validate-report.schema.json, schemas/validate-history.schema.json) and decides an exit status.
// What only the CLI needs is marked internal, left out of the type declarations.
export { validatePayloads, exitStatus, type ValidateOptions, type ValidateResult } from './validate-payloads.js';
export { renderJson, renderText } from './validate-report.js';
export { specHistory, type HistoryOptions, type SpecHistory, type HistoryRow, type HistoryColumn, type HistoryCell, type CellStatus } from './spec-history.js';
export { historyExitStatus, renderHistoryJson, renderHistoryText } from './history-report.js';
export type { PayloadKind } from './choose-schema.js';
export type { CheckedPayload, Finding, StricterClause } from './checked-payload.js';
export type { SpecTreeCheck } from './check-spec-tree.js';
export type { TreeVersion } from './spec-layout.js';
export { SPEC_VERSIONS, type SpecVersion } from '../project/spec-versions.js';
export { ConfigError } from '../project/errors.js';

/** @internal The CLI's: reads `--spec-version`, the old name `current` too (docs/library.md: not API). */
export { specVersionOption } from './validate-payloads.js';
