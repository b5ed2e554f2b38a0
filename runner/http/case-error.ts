// Something that keeps a case from reaching a verdict on the server's behaviour: provisioning failed,
// the transport broke, a response could not be read. The case's outcome is `error` with this message.
// It lives with the client, below every stage: provisioning throws it, the contact checks and the probes
// catch it, and execution both throws it and turns it into the outcome.
export class CaseError extends Error {
  override name = 'CaseError';
}
