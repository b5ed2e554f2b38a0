// Why one of our schemas refuses a value: the description of the schema node that governs that place
// of the payload. Our schemas describe every property with the spec clause it comes from (a test
// enforces it), so when ours refuses an example the tree's own schema accepts, this is the reason to
// show the spec editor ("an mxc:// URI (Content repository > Matrix Content (mxc://) URIs)").
import { loadSchemaRegistry } from '../project/schemas.js';
import { pointerSegments, valueAt } from '../project/yaml-source.js';

type SchemaNode = Record<string, unknown>;

interface Located {
  node: SchemaNode;
  /** $id of the schema file the node is in, to resolve relative $refs. */
  base: string;
}

function resolveRef(ref: string, base: string): Located | undefined {
  const url = new URL(ref, base);
  const fragment = decodeURIComponent(url.hash.replace(/^#/, ''));
  url.hash = '';
  const entry = loadSchemaRegistry().entries.find((e) => e.id === url.href);
  if (!entry) return undefined;
  const node = valueAt(entry.schema, fragment);
  return node && typeof node === 'object' ? { node: node as SchemaNode, base: entry.id } : undefined;
}

/** Follows $refs (at most a few: our schemas do not nest them deeply) to the node that has the keywords. */
function deref(at: Located): Located {
  let current = at;
  for (let i = 0; i < 8 && typeof current.node.$ref === 'string'; i++) {
    const next = resolveRef(current.node.$ref, current.base);
    if (!next) break;
    current = next;
  }
  return current;
}

/**
 * The description of the innermost property of our schema `alias` on the way to `pointer` (an instance
 * pointer), or undefined when the schema is unknown. A described property's own description wins over
 * the description of what it $refs, as it names the clause for this place.
 */
export function clauseFor(alias: string, pointer: string): string | undefined {
  const entry = loadSchemaRegistry().find(alias);
  if (!entry) return undefined;
  let at: Located = { node: entry.schema, base: entry.id };
  let description = typeof at.node.description === 'string' ? at.node.description : undefined;
  for (const segment of pointerSegments(pointer)) {
    const here = deref(at);
    const properties = here.node.properties as Record<string, SchemaNode> | undefined;
    const child =
      properties?.[segment] ?? (/^\d+$/.test(segment) && here.node.items && typeof here.node.items === 'object' ? (here.node.items as SchemaNode) : undefined);
    if (!child) break;
    at = { node: child, base: here.base };
    const own = typeof child.description === 'string' ? child.description : deref(at).node.description;
    if (typeof own === 'string') description = own;
  }
  return description;
}
