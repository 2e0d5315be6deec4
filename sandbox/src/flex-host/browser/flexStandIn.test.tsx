import React from 'react';

import { createFlexStandIn } from './flex';
import type { ManagerStandIn } from './manager';

function standIn() {
  const navigate = jest.fn();
  const host = createFlexStandIn({ navigate });
  const manager = { strings: { Greeting: 'Closed {{count}} tasks for {{user.name}}.' } } as unknown as ManagerStandIn;
  host.setManager(manager);
  return { ...host, navigate, manager };
}

function Link(props: { label: string; activeView?: string; isActive?: boolean }) {
  return <span>{props.label}</span>;
}

describe('Flex stand-in: programmable containers', () => {
  test('children render in sortOrder, get the container props they do not set, and obey `if`', () => {
    const { flex } = standIn();
    flex.SideNav.Content.add(<Link key="late" label="late" />);
    flex.SideNav.Content.add(<Link key="first" label="first" isActive />, { sortOrder: 0 });
    flex.SideNav.Content.add(<Link key="admins" label="admins" />, {
      if: (props) => props.activeView === 'admin-only',
    });

    const rendered = flex.SideNav.Content.render({ activeView: 'agent-desktop', isActive: false });
    expect(rendered.map((element) => element.props.label)).toEqual(['first', 'late']);
    expect(rendered[0].props).toMatchObject({ activeView: 'agent-desktop', isActive: true });
    expect(rendered[1].props).toMatchObject({ activeView: 'agent-desktop', isActive: false });
    expect(flex.SideNav.Content.render({ activeView: 'admin-only' }).map((element) => element.key)).toContain('admins');
  });

  test('remove by key, and the cleanup function of add, take content away and tell the container', () => {
    const { flex } = standIn();
    const listener = jest.fn();
    flex.ViewCollection.Content.subscribe(listener);
    const undo = flex.ViewCollection.Content.add(<Link key="a" label="a" />);
    flex.ViewCollection.Content.add(<Link key="b" label="b" />);
    flex.ViewCollection.Content.remove('b');
    expect(flex.ViewCollection.Content.render({}).map((element) => element.key)).toEqual(['a']);
    undo();
    expect(flex.ViewCollection.Content.render({})).toEqual([]);
    expect(listener).toHaveBeenCalledTimes(4);
  });
});

describe('Flex stand-in: notifications', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('a registered notification shows with its context and goes away after its timeout', () => {
    const { flex } = standIn();
    flex.Notifications.registerNotification({ id: 'Done', content: 'Greeting', type: 'success', timeout: 1000 });
    const shown = flex.Notifications.showNotification('Done', { count: 3, user: { name: 'Ada' } });
    expect(shown).toMatchObject({ id: 'Done', content: 'Greeting', context: { count: 3, user: { name: 'Ada' } } });
    expect(flex.Notifications.isNotificationActive('Done')).toBe(true);
    jest.advanceTimersByTime(1000);
    expect(flex.Notifications.isNotificationActive('Done')).toBe(false);
  });

  test('timeout 0 stays until dismissed; an unknown id shows nothing', () => {
    const { flex } = standIn();
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    flex.Notifications.registerNotification({ id: 'Sticky', content: 'x', timeout: 0 });
    const shown = flex.Notifications.showNotification('Sticky');
    jest.advanceTimersByTime(60_000);
    expect(flex.Notifications.activeNotifications).toHaveLength(1);
    if (shown) flex.Notifications.dismissNotification(shown);
    expect(flex.Notifications.activeNotifications).toHaveLength(0);
    expect(flex.Notifications.showNotification('Nope')).toBeNull();
  });
});

describe('Flex stand-in: actions and plugins', () => {
  test('NavigateToView changes the view unless a before-listener aborts it', async () => {
    const { flex, navigate } = standIn();
    await flex.Actions.invokeAction('NavigateToView', { viewName: 'stuck-tasks' });
    expect(navigate).toHaveBeenCalledWith('stuck-tasks');

    flex.Actions.addListener('beforeNavigateToView', (_payload, abort) => abort());
    await flex.Actions.invokeAction('NavigateToView', { viewName: 'teams' });
    expect(navigate).toHaveBeenCalledTimes(1);
    await expect(flex.Actions.invokeAction('SomethingElse')).rejects.toThrow(
      'Action SomethingElse is not available in the Flex sandbox host',
    );
  });

  test('Plugins.init instantiates the plugin class and runs init(flex, manager); a failure is reported', async () => {
    const host = standIn();
    const seen: unknown[] = [];
    class GoodPlugin {
      name = 'GoodPlugin';
      async init(flex: unknown, manager: unknown) {
        seen.push(flex, manager);
      }
    }
    const good = new Promise((resolve) => host.onNextPluginInit(resolve));
    host.flex.Plugins.init(GoodPlugin);
    await expect(await good).toEqual({ name: 'GoodPlugin', ok: true });
    expect(seen).toEqual([host.flex, host.manager]);

    class BrokenPlugin {
      init() {
        throw new Error('no service URL');
      }
    }
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const broken = new Promise((resolve) => host.onNextPluginInit(resolve));
    host.flex.Plugins.init(BrokenPlugin);
    await expect(await broken).toEqual({ name: 'BrokenPlugin', ok: false, error: 'no service URL' });
  });
});
