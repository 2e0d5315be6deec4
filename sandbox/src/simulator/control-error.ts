/** A control-plane refusal (the in-process API throws it, the control API answers it with `status`). */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
