type Payload = Record<string, unknown>;
type ActionImplementation = (payload: Payload) => Promise<unknown> | unknown;
type ActionListener = (payload: Payload, abort: () => void) => Promise<unknown> | unknown;

/**
 * Flex's Actions framework, reduced to what plugins rely on: invoke a named action, listen
 * before/after it (a `before` listener may abort), register or replace an implementation.
 */
export class ActionsStandIn {
  private readonly implementations = new Map<string, ActionImplementation>();
  private readonly listeners = new Map<string, Set<ActionListener>>();

  registerAction(name: string, implementation: ActionImplementation): void {
    this.implementations.set(name, implementation);
  }

  replaceAction(name: string, replacement: (payload: Payload, original: ActionImplementation) => unknown): void {
    const original = this.implementations.get(name) ?? (() => undefined);
    this.implementations.set(name, (payload) => replacement(payload, original));
  }

  addListener(event: string, listener: ActionListener): void {
    const set = this.listeners.get(event) ?? new Set<ActionListener>();
    set.add(listener);
    this.listeners.set(event, set);
  }

  removeListener(event: string, listener: ActionListener): void {
    this.listeners.get(event)?.delete(listener);
  }

  async invokeAction(name: string, payload: Payload = {}): Promise<unknown> {
    const implementation = this.implementations.get(name);
    if (!implementation) {
      throw new Error(`Action ${name} is not available in the Flex sandbox host`);
    }
    let aborted = false;
    await this.emit(`before${name}`, payload, () => {
      aborted = true;
    });
    if (aborted) return undefined;
    const result = await implementation(payload);
    await this.emit(`after${name}`, payload, () => undefined);
    return result;
  }

  private async emit(event: string, payload: Payload, abort: () => void): Promise<void> {
    for (const listener of this.listeners.get(event) ?? []) {
      await listener(payload, abort);
    }
  }
}
