/** A Twilio error answer (`{code, message, more_info, status}`), thrown by the endpoints. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, 20001, message);
export const notFound = (path: string): HttpError =>
  new HttpError(404, 20404, `The requested resource ${path} was not found`);
