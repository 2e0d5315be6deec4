import React from 'react';

/** Options of `Content.add`, as in Flex's DynamicContentStore. */
export interface ContentOptions {
  sortOrder?: number;
  align?: 'start' | 'end';
  /** Rendered only when this returns true for the container's props. */
  if?: (props: Record<string, unknown>) => boolean;
  /** Do not pass the container's props down to the child. */
  noChildProps?: boolean;
}

interface Entry {
  element: React.ReactElement;
  options: ContentOptions;
  order: number;
}

interface RemoveRequest {
  key: React.Key;
  if?: (props: Record<string, unknown>) => boolean;
}

type Listener = () => void;
type ComponentWrapper = (component: React.ComponentType<never>) => React.ComponentType<never>;

/**
 * Flex's programmable containers (`SideNav.Content`, `ViewCollection.Content`, …): plugins add,
 * remove or replace children, which the container renders with its own props passed down.
 */
export class DynamicContentStore {
  private entries: Entry[] = [];
  private removeRequests: RemoveRequest[] = [];
  private readonly listeners = new Set<Listener>();
  private nextOrder = 0;
  readonly registeredWrappers: ComponentWrapper[] = [];

  constructor(readonly name: string) {}

  add(element: React.ReactElement, options: ContentOptions = {}): () => void {
    if (!React.isValidElement(element)) {
      throw new TypeError(`${this.name}.Content.add expects a React element`);
    }
    if (element.key === null) {
      console.warn(`${this.name}.Content.add: give the element a key so it can be removed or replaced`);
    }
    const entry: Entry = { element, options, order: this.nextOrder++ };
    this.entries = [...this.entries, entry];
    this.notify();
    return () => {
      this.entries = this.entries.filter((candidate) => candidate !== entry);
      this.notify();
    };
  }

  remove(key: React.Key, options: { if?: RemoveRequest['if'] } = {}): () => void {
    const request: RemoveRequest = { key: String(key), if: options.if };
    this.removeRequests = [...this.removeRequests, request];
    this.notify();
    return () => {
      this.removeRequests = this.removeRequests.filter((candidate) => candidate !== request);
      this.notify();
    };
  }

  replace(element: React.ReactElement, options: ContentOptions = {}): () => void {
    this.entries = [];
    return this.add(element, options);
  }

  addWrapper(wrapper: ComponentWrapper): void {
    this.registeredWrappers.push(wrapper);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The children to render for a container with these props, in Flex's order. */
  render(props: Record<string, unknown>): React.ReactElement[] {
    const visible = this.entries.filter((entry) => {
      const key = entry.element.key === null ? null : String(entry.element.key);
      const removed = this.removeRequests.some((request) => request.key === key && (!request.if || request.if(props)));
      return !removed && (!entry.options.if || entry.options.if(props));
    });
    const alignRank = (entry: Entry) => (entry.options.align === 'end' ? 1 : 0);
    const sorted = [...visible].sort(
      (a, b) =>
        alignRank(a) - alignRank(b) ||
        (a.options.sortOrder ?? Number.MAX_SAFE_INTEGER) - (b.options.sortOrder ?? Number.MAX_SAFE_INTEGER) ||
        a.order - b.order,
    );
    // The container's props fill in what the child does not set itself.
    return sorted.map((entry) =>
      entry.options.noChildProps
        ? entry.element
        : React.cloneElement(entry.element, { ...props, ...entry.element.props }),
    );
  }

  private notify(): void {
    this.listeners.forEach((listener) => listener());
  }
}

/** Re-renders when plugins change the store's content. */
export function useDynamicContent(store: DynamicContentStore, props: Record<string, unknown>): React.ReactElement[] {
  const [, setVersion] = React.useState(0);
  React.useEffect(() => store.subscribe(() => setVersion((version) => version + 1)), [store]);
  return store.render(props);
}
