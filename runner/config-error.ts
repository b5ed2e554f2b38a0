// A problem with the user's input (a suite, target profile, expectations file or option) found before
// any request is sent. The CLI prints its message alone, without a stack trace, and exits 2.
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
