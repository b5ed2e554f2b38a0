// Public entry point `matrix-presence-conformance/reporters` (package.json exports; docs/library.md).
// Reporters are pure consumers of the report contract (project/report.ts): the runner's events, or a
// saved report (`report render`); comparing targets works on reports too (merging shard reports, which
// recomputes a verdict, is the runner's: runner/judge/merge-reports.ts). What only the CLI needs is marked
// internal, left out of the type declarations.
export { ConsoleReporter, coverageLines, partialNote, type ConsoleReporterOptions } from './console-reporter.js';
export { JsonReporter } from './json-reporter.js';
export { JUnitReporter, toJUnitXml } from './junit-reporter.js';
export { HtmlReporter, toHtml } from './html-reporter.js';
export { GitHubAnnotationsReporter, toAnnotations } from './github-annotations-reporter.js';
export {
  compareReports,
  comparisonMarkdown,
  comparisonText,
  type Comparison,
  type ComparedCase,
  type ComparedClause,
  type ComparedTarget,
} from './compare-reports.js';
export { comparisonHtml } from './compare-html.js';
/** @internal The CLI's: `profile init`'s progress lines. */
export { LiveDisplay, painter, wantsColour, type Paint, type Style, type Terminal } from './live-display.js';
