/** Raised when a request was published but no instance of the service is listening. */
export class NoResponderError extends Error {
  constructor(readonly pattern: string) {
    super(`No service instance is subscribed to "${pattern}"`);
    this.name = 'NoResponderError';
  }
}
