// A single self-contained HTML page of the report (no scripts, no external resources): the summary,
// then one table per area, with the failed checks and the transcript of each case that did not pass
// folded under <details>.
import { writeFile } from 'node:fs/promises';
import type { CaseResult, Outcome, Report, RunListener } from '../project/report.js';
import { isFailure } from '../project/report.js';

export function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const COLOURS: Record<Outcome, string> = { pass: '#1a7f37', fail: '#cf222e', error: '#cf222e', timeout: '#cf222e', skip: '#6e7781', xfail: '#9a6700', xpass: '#cf222e' };

function caseRow(r: CaseResult): string {
  const badge = `<span class="o" style="background:${COLOURS[r.outcome]}">${r.outcome}</span>`;
  const lines: string[] = [];
  if (r.message && r.outcome !== 'fail') lines.push(r.message);
  for (const c of r.checks.filter(isFailure)) lines.push(c.message);
  const info = r.checks.filter((c) => c.level === 'INFO').map((c) => `info: ${c.message}`);
  const transcript = (r.transcript ?? []).map((e) =>
    `${e.request.method} ${e.request.url}${e.request.body ? `\n  ${e.request.body}` : ''}\n  -> ${e.response ? `${e.response.status} ${e.response.body}` : (e.error ?? 'no response')}`);
  const details = [...lines, ...info].length + transcript.length === 0 ? '' :
    `<details${r.outcome === 'fail' || r.outcome === 'error' || r.outcome === 'xpass' || r.outcome === 'timeout' ? ' open' : ''}><summary>details</summary><pre>${htmlEscape([...lines, ...info].join('\n'))}</pre>${transcript.length ? `<details><summary>transcript (${transcript.length})</summary><pre>${htmlEscape(transcript.join('\n'))}</pre></details>` : ''}</details>`;
  return `<tr><td>${badge}</td><td>${r.level}</td><td><code>${htmlEscape(r.id)}</code><br>${htmlEscape(r.title)}${details}</td><td>${htmlEscape(r.clauses.join(', '))}</td><td>${r.duration_ms} ms</td></tr>`;
}

export function toHtml(report: Report): string {
  const areas = new Map<string, CaseResult[]>();
  for (const r of report.cases) areas.set(r.area, [...(areas.get(r.area) ?? []), r]);
  const counts = (Object.keys(COLOURS) as Outcome[]).filter((o) => report.summary[o] > 0)
    .map((o) => `<span class="o" style="background:${COLOURS[o]}">${report.summary[o]} ${o}</span>`).join(' ');
  const verdict = report.exit_code === 0 ? 'OK' : `FAILED: ${report.gating_failures.map(htmlEscape).join(', ')}`;
  const sections = [...areas].map(([area, rs]) =>
    `<h2>${htmlEscape(area)}</h2><table><tr><th>outcome</th><th>level</th><th>case</th><th>clauses</th><th>time</th></tr>${rs.map(caseRow).join('')}</table>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${htmlEscape(`${report.tool.name}: ${report.target.name}`)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}.o{color:#fff;border-radius:4px;padding:1px 6px}pre{white-space:pre-wrap;background:#f6f8fa;padding:6px}</style>
</head><body>
<h1>${htmlEscape(report.tool.name)} ${htmlEscape(report.tool.version)} against ${htmlEscape(report.target.name)}</h1>
<p>${htmlEscape(report.target.url)} · spec ${htmlEscape(report.target.spec_version)} · ${htmlEscape(report.started_at)} · ${(report.duration_ms / 1000).toFixed(1)} s · runner contract ${htmlEscape(report.runner_contract)}</p>
<p>${report.summary.total} cases: ${counts} — <strong>${verdict}</strong></p>
${report.warnings.map((w) => `<p>warning: ${htmlEscape(w)}</p>`).join('\n')}
${sections.join('\n')}
</body></html>
`;
}

export class HtmlReporter implements RunListener {
  constructor(private readonly file: string) {}

  async onRunEnd(report: Report): Promise<void> {
    await writeFile(this.file, toHtml(report));
  }
}
