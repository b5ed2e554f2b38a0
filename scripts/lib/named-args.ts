// `--name value` pairs, the argument form of the small generators in scripts/ (a server's configuration
// from a target profile). Anything else is refused with a message that shows what was given.

export interface NamedArgs {
  args: Readonly<Record<string, string>>;
  /** The value of --k; throws `missing --k` when it was not given. */
  need(k: string): string;
}

export function namedArgs(argv: readonly string[]): NamedArgs {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (!key?.startsWith('--') || value === undefined) throw new Error(`expected --name value pairs, got ${argv.join(' ')}`);
    args[key.slice(2)] = value;
  }
  return {
    args,
    need(k) {
      const v = args[k];
      if (v === undefined) throw new Error(`missing --${k}`);
      return v;
    },
  };
}
