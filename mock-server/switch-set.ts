// Named switches: the fault and the variant catalogues are objects keyed by name; what is switched on
// is a set with a fast membership test for the hot paths. Each catalogue narrows `Name` to its own
// names, so a typo in a `has()` check is a type error.

export class SwitchSet<Name extends string> {
  private readonly on: ReadonlySet<string>;
  constructor(names: readonly string[] = []) {
    this.on = new Set(names);
  }
  /** Nothing switched on is the usual case: answered without hashing the name (a PUT asks a dozen). */
  has(name: Name): boolean {
    return this.on.size !== 0 && this.on.has(name);
  }
  list(): string[] {
    return [...this.on];
  }
}

/** The names of a catalogue, in its order. */
export function namesOf<Catalogue extends object>(catalogue: Catalogue): Extract<keyof Catalogue, string>[] {
  return Object.keys(catalogue) as Extract<keyof Catalogue, string>[];
}

/** A test for "is this one of the catalogue's names" (own keys only: not "toString"). */
export function isNameIn<Catalogue extends object>(catalogue: Catalogue): (name: string) => name is Extract<keyof Catalogue, string> {
  return (name: string): name is Extract<keyof Catalogue, string> => Object.hasOwn(catalogue, name);
}
