// Reporters are pure consumers of the report contract (project/report.ts): the runner's events, or a
// saved report (`report render`); merging shard reports and comparing targets work on reports too.
export { ConsoleReporter, countObservations, type ConsoleReporterOptions } from './console-reporter.js';
export { JsonReporter } from './json-reporter.js';
export { JUnitReporter, toJUnitXml } from './junit-reporter.js';
export { HtmlReporter, toHtml } from './html-reporter.js';
export { GitHubAnnotationsReporter, toAnnotations } from './github-annotations-reporter.js';
export { mergeReports, type NamedReport } from './merge-reports.js';
export { compareReports, comparisonMarkdown, comparisonText, outcomeClass, type Comparison } from './compare-reports.js';
export { comparisonHtml } from './compare-html.js';
