// HTML built so that escaping is the default: safeHtml`<td>${value}</td>` escapes every value it is given,
// unless the value is itself a fragment made by the tag. The pages print text the server under test
// controls (a status_msg, an error body, a transcript), so forgetting to escape must not be possible by
// omission, only by writing markup into the template itself. The tag is not called `html`: Prettier
// formats templates of that name as HTML, which would change the pages (spaces, inside <pre> too).

/** A fragment of HTML made by the safeHtml tag: inserted into another fragment as it is. */
export interface Html {
  readonly text: string;
  toString(): string;
}

/** What a template takes: fragments as they are, text escaped, numbers printed, nothing for undefined, null and false. */
export type HtmlValue = Html | string | number | false | null | undefined | readonly HtmlValue[];

/** Only what the tag made is trusted: an object shaped like a fragment is escaped like any other value. */
const madeByTag = new WeakSet<object>();

function fragment(text: string): Html {
  const made: Html = { text, toString: () => text };
  madeByTag.add(made);
  return made;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe in element content and in attribute values quoted either way. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

function isHtml(value: unknown): value is Html {
  return typeof value === 'object' && value !== null && madeByTag.has(value);
}

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (isHtml(value)) return value.text;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

/** The tag: the literal parts are markup, every interpolated value is rendered as HtmlValue says. */
export function safeHtml(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let text = strings[0]!;
  for (let i = 0; i < values.length; i++) text += render(values[i]) + strings[i + 1]!;
  return fragment(text);
}

/** Values rendered one after another with a separator between them (`joinHtml(chips, ' ')`). */
export function joinHtml(values: readonly HtmlValue[], separator: HtmlValue): Html {
  return fragment(values.map(render).join(render(separator)));
}
