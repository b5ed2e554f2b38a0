// What the HTML pages (a run's report, a comparison of targets) share: the outcome and verdict colours,
// the badges, the filter and the page shell. A page is self-contained: inline style and script, no
// external resource, readable without its script (everything shown, the filter hidden) and printed
// (every detail opened, the colours kept). Every piece is built with project/html.ts's tag, which
// escapes what it is given.
import type { Outcome } from '../project/report.js';
import type { ClauseVerdictName } from '../project/clause-verdict.js';
import { safeHtml, type Html } from '../project/html.js';

export const OUTCOME_COLOURS: Record<Outcome, string> = {
  pass: '#1a7f37',
  fail: '#cf222e',
  error: '#bc4c00',
  timeout: '#bc4c00',
  skip: '#6e7781',
  xfail: '#9a6700',
  xpass: '#cf222e',
  inconclusive: '#8250df',
  blocked: '#1b7c83',
  interrupted: '#953800',
  not_run: '#8c959f',
};
export const VERDICT_COLOURS: Record<ClauseVerdictName, string> = {
  conforms: '#1a7f37',
  deviates: '#cf222e',
  'case issue': '#9a6700',
  'not tested': '#6e7781',
  'no case': '#afb8c1',
};

export function badge(text: string, colour: string, title?: string): Html {
  return safeHtml`<span class="b" style="background:${colour}"${title ? safeHtml` title="${title}"` : ''}>${text}</span>`;
}

/** An HTML id from a case or clause id ("status#put-x" -> "case-status-put-x"). */
export function anchor(kind: string, id: string): string {
  return `${kind}-${id.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}

/** Space-separated lower-case tokens for the filter's data attributes. */
export function tokens(values: string[]): string {
  return [...new Set(values.map((v) => v.toLowerCase().replace(/\s+/g, '-')))].join(' ');
}

const STYLE = safeHtml`
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em 2em;color:#1f2328}
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.25em;margin:1.4em 0 .4em;border-bottom:1px solid #d0d7de}h3{font-size:1.05em;margin:1em 0 .3em}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d8dee4;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}tr.group td{background:#f6f8fa;font-weight:600}
.b{display:inline-block;color:#fff;border-radius:4px;padding:0 6px;font-size:12px;white-space:nowrap;margin:1px 2px 1px 0}
a.b{text-decoration:none}.muted{color:#59636e}.small{font-size:12px}code{font-size:12px}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:6px;margin:.3em 0;font-size:12px}
details>summary{cursor:pointer;color:#0969da}form.filter{display:flex;gap:1em;flex-wrap:wrap;align-items:center;background:#f6f8fa;padding:.6em 1em;border-radius:6px;position:sticky;top:0;z-index:2}
form.filter input[type=search]{width:18em}.bar{display:flex;height:14px;border-radius:3px;overflow:hidden;width:100%;max-width:24em}.bar span{display:block}
p.note{margin:.2em 0;font-size:12px}table.causes td:first-child{white-space:nowrap;width:2.5em}.checks td{font-size:12px}details.gating{display:inline}details.gating[open]{display:block;font-weight:normal}
table.glance td{padding:4px 8px}table.glance td:first-child{white-space:nowrap}table.glance th{width:30%}table.glance th:first-child{width:auto}table.glance th{font-weight:600}
a.t{display:inline-block;width:18px;height:18px;line-height:18px;margin:1px;border-radius:3px;color:#fff;font-size:11px;text-align:center;text-decoration:none;font-weight:600}.gotwant{font-family:ui-monospace,monospace}
@media print{form.filter{display:none}body{margin:0;font-size:11px}
.b,a.t,.bar span,th,tr.group td{print-color-adjust:exact;-webkit-print-color-adjust:exact}tr{break-inside:avoid}details>summary{color:#1f2328}}
`;

/**
 * The filter: rows with data-text (searched by the text box) and data-KEY tokens (matched by a select or
 * checkbox with data-filter-key=KEY); a group row (tr.group) hides when its tbody shows no row; a count
 * element says how many rows of each kind are shown. Before printing every <details> opens.
 */
const SCRIPT = safeHtml`
(function(){
var form=document.querySelector('form.filter');if(!form)return;form.hidden=false;
var rows=[].slice.call(document.querySelectorAll('[data-text]'));
function apply(){
  var q=form.querySelector('input[type=search]').value.trim().toLowerCase();
  var wants=[].slice.call(form.querySelectorAll('[data-filter-key]')).map(function(c){
    return {key:c.getAttribute('data-filter-key'),value:c.type==='checkbox'?(c.checked?c.value:''):c.value};}).filter(function(w){return w.value;});
  var shown={};
  rows.forEach(function(r){
    var ok=(!q||r.getAttribute('data-text').indexOf(q)>=0)&&wants.every(function(w){
      var has=r.getAttribute('data-'+w.key);return has===null||(' '+has+' ').indexOf(' '+w.value+' ')>=0;});
    r.hidden=!ok;var kind=r.getAttribute('data-kind');shown[kind]=(shown[kind]||0)+(ok?1:0);});
  [].slice.call(document.querySelectorAll('tbody')).forEach(function(b){
    var g=b.querySelector('tr.group');if(!g)return;
    g.hidden=![].slice.call(b.querySelectorAll('[data-text]')).some(function(r){return !r.hidden;});});
  [].slice.call(document.querySelectorAll('[data-count]')).forEach(function(e){
    var kind=e.getAttribute('data-count');e.textContent=(shown[kind]||0)+' of '+e.getAttribute('data-total');});
}
form.addEventListener('input',apply);form.addEventListener('change',apply);form.addEventListener('submit',function(e){e.preventDefault();});
function openTarget(){var t=location.hash&&document.getElementById(location.hash.slice(1));if(!t)return;
  if(t.hidden){form.reset();apply();}var d=t.querySelector('details');if(d)d.open=true;}
window.addEventListener('hashchange',openTarget);openTarget();
var opened=[];
window.addEventListener('beforeprint',function(){opened=[].slice.call(document.querySelectorAll('details:not([open])'));opened.forEach(function(d){d.open=true;});});
window.addEventListener('afterprint',function(){opened.forEach(function(d){d.open=false;});});
apply();
})();
`;

export function page(title: string, body: Html): string {
  return safeHtml`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head><body>
${body}
<script>${SCRIPT}</script>
</body></html>
`.text;
}

/** The filter form; `selects` are [key, label, options as [value, text]]. Hidden until the script runs. */
export function filterForm(
  placeholder: string,
  selects: [string, string, [string, string][]][],
  checkboxes: [string, string, string][] = [],
  counts: [string, string, number][] = [],
): Html {
  const selectHtml = selects.map(
    ([key, label, options]) =>
      safeHtml`<label>${label} <select data-filter-key="${key}" name="${key}"><option value="">all</option>${options.map(([v, t]) => safeHtml`<option value="${v}">${t}</option>`)}</select></label>`,
  );
  const boxHtml = checkboxes.map(
    ([key, value, label]) => safeHtml`<label><input type="checkbox" data-filter-key="${key}" name="${key}" value="${value}"> ${label}</label>`,
  );
  const countHtml = counts.map(
    ([kind, label, total]) => safeHtml`<span class="muted">${label}: <span data-count="${kind}" data-total="${total}">${total} of ${total}</span></span>`,
  );
  return safeHtml`<form class="filter" hidden><input type="search" name="q" placeholder="${placeholder}" aria-label="filter by text">${[...selectHtml, ...boxHtml, ...countHtml]}</form>`;
}
