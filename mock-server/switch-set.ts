// A set of named switches (the faults and the variants that are on), with a fast membership test for
// the hot paths. Each catalogue narrows `Name` to its own names, so a typo in a `has()` check is a type
// error.

export class SwitchSet<Name extends string> {
  private readonly on: ReadonlySet<string>;
  constructor(names: readonly string[] = []) {
    this.on = new Set(names);
  }
  has(name: Name): boolean {
    return this.on.has(name);
  }
  list(): string[] {
    return [...this.on];
  }
}
