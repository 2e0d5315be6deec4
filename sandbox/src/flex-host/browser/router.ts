/** The view Flex shows when the URL names none. */
export const DEFAULT_VIEW = 'agent-desktop';

type Listener = (view: string) => void;

/**
 * Flex keeps the active view in the URL path (`/agent-desktop`, `/teams`, `/<plugin view>`); the
 * query string (the sandbox user) is kept when navigating.
 */
export class ViewRouter {
  private readonly listeners = new Set<Listener>();

  constructor() {
    window.addEventListener('popstate', () => this.notify());
  }

  get activeView(): string {
    const name = decodeURIComponent(window.location.pathname.replace(/^\/+|\/+$/g, ''));
    return name || DEFAULT_VIEW;
  }

  navigate(viewName: string): void {
    if (viewName === this.activeView) return;
    window.history.pushState({}, '', `/${encodeURIComponent(viewName)}${window.location.search}`);
    this.notify();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    const view = this.activeView;
    this.listeners.forEach((listener) => listener(view));
  }
}
