// The error classes every part shares. Each is a problem with the user's input, found before (or
// instead of) doing the work; the CLI prints the message alone, without a stack trace, and exits 2.

/**
 * A problem with a file or option the user gave (a suite, target profile, expectations file, mock
 * configuration, command-line option). The message names where: "suites/x.yaml:12:7: ...".
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** An input that cannot be read as JSON or YAML at all; the message already names file:line:column. */
export class UnreadableInputError extends ConfigError {
  override name = 'UnreadableInputError';
}
