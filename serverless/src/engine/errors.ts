/** The `PageToken` given to a scan was not one this service issued (or not for this workspace). */
export class InvalidPageTokenError extends Error {
  constructor(message = 'PageToken is not a page token issued by this service') {
    super(message);
    this.name = 'InvalidPageTokenError';
  }
}
