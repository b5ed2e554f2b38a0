// Dot paths into JSON values: "content.presence", "events.0.sender"; "" is the value itself. A key that
// contains a dot can be written with a backslash: "content.m\.key".

export function splitPath(path: string): string[] {
  if (path === '') return [];
  return path.split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, '.'));
}

/** { found: false } when any step is missing: "absent" differs from a present null. */
export function lookup(data: unknown, path: string): { found: boolean; value?: unknown } {
  let current: unknown = data;
  for (const key of splitPath(path)) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(key) || Number(key) >= current.length) return { found: false };
      current = current[Number(key)];
    } else if (current !== null && typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, key)) {
      current = (current as Record<string, unknown>)[key];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}
