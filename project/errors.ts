// The error classes every part shares. Each is a problem with the user's input, found before (or
// instead of) doing the work; the CLI prints the message alone, without a stack trace, and exits 2.

/**
 * A problem with a file or option the user gave (a suite, target profile, expectations file, mock
 * configuration, command-line option). The message names where: "suites/x.yaml:12:7: ...".
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** An input that cannot be read as JSON or YAML at all. The message is "file:line:column: reason"
 * (or "file: reason" where no place is known); the parts are kept for those that report it otherwise. */
export class UnreadableInputError extends ConfigError {
  override name = 'UnreadableInputError';

  constructor(
    readonly file: string,
    readonly at: { line: number; column: number } | undefined,
    readonly reason: string,
  ) {
    super(at ? `${file}:${at.line}:${at.column}: ${reason}` : `${file}: ${reason}`);
  }
}
