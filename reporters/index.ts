// Reporters are pure consumers of runner events (runner/report-types.ts RunListener).
export { ConsoleReporter, type ConsoleReporterOptions } from './console-reporter.js';
export { JsonReporter } from './json-reporter.js';
export { JUnitReporter, toJUnitXml } from './junit-reporter.js';
export { HtmlReporter, toHtml } from './html-reporter.js';
export { GitHubAnnotationsReporter, toAnnotations } from './github-annotations-reporter.js';
