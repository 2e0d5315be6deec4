import type React from 'react';

export enum NotificationType {
  information = 'information',
  success = 'success',
  warning = 'warning',
  error = 'error',
}

/** The parts of Flex's `Notification` a plugin registers. */
export interface NotificationDefinition {
  id: string;
  content?: string | number | React.ReactElement;
  type?: NotificationType | `${NotificationType}`;
  timeout?: number;
  closeButton?: boolean;
  context?: Record<string, unknown>;
}

export interface ActiveNotification extends NotificationDefinition {
  instanceId: string;
}

type Listener = (active: readonly ActiveNotification[]) => void;

/** Flex shows in-app notifications for 8 seconds unless the registration says otherwise. */
const DEFAULT_TIMEOUT_MS = 8000;

/** Flex's `Notifications` manager: plugins register notifications once and show them by id. */
export class NotificationsStandIn {
  readonly registeredNotifications = new Map<string, NotificationDefinition>();
  private active: ActiveNotification[] = [];
  private readonly listeners = new Set<Listener>();
  private instanceCounter = 0;

  get activeNotifications(): readonly ActiveNotification[] {
    return this.active;
  }

  registerNotification(notification: NotificationDefinition): void {
    if (!notification || typeof notification.id !== 'string') {
      throw new TypeError('registerNotification expects a notification with a string id');
    }
    this.registeredNotifications.set(notification.id, notification);
  }

  showNotification(id: string, context?: Record<string, unknown>): ActiveNotification | null {
    const registered = this.registeredNotifications.get(id);
    if (!registered) {
      console.warn(`Notification ${id} is not registered`);
      return null;
    }
    const instance: ActiveNotification = {
      ...registered,
      context: { ...registered.context, ...context },
      instanceId: `${id}-${++this.instanceCounter}`,
    };
    this.active = [...this.active.filter((notification) => notification.id !== id), instance];
    this.notify();
    const timeout = registered.timeout ?? DEFAULT_TIMEOUT_MS;
    if (timeout > 0) {
      setTimeout(() => this.dismissNotification(instance), timeout);
    }
    return instance;
  }

  dismissNotification(notification: ActiveNotification): void {
    this.active = this.active.filter((candidate) => candidate.instanceId !== notification.instanceId);
    this.notify();
  }

  dismissNotificationById(id: string): void {
    this.active = this.active.filter((candidate) => candidate.id !== id);
    this.notify();
  }

  dismissAll(): void {
    this.active = [];
    this.notify();
  }

  isNotificationActive(id: string): boolean {
    return this.active.some((notification) => notification.id === id);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    this.listeners.forEach((listener) => listener(this.active));
  }
}
