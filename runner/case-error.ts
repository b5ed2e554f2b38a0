// Something that keeps a case from reaching a verdict on the server's behaviour: provisioning failed,
// the transport broke, a response could not be read. The case's outcome is `error` with this message.
export class CaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseError';
  }
}
