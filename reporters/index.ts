// Reporters are pure consumers of the report contract (project/report.ts): the runner's events, or a
// saved report (`report render`); comparing targets works on reports too (merging shard reports, which
// recomputes a verdict, is the runner's: runner/check/merge-reports.ts).
export { ConsoleReporter, type ConsoleReporterOptions } from './console-reporter.js';
export { JsonReporter } from './json-reporter.js';
export { JUnitReporter, toJUnitXml } from './junit-reporter.js';
export { HtmlReporter, toHtml } from './html-reporter.js';
export { GitHubAnnotationsReporter, toAnnotations } from './github-annotations-reporter.js';
export { compareReports, comparisonMarkdown, comparisonText, outcomeClass, type Comparison } from './compare-reports.js';
export { comparisonHtml } from './compare-html.js';
