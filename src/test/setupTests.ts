import '@testing-library/jest-dom';
import { setImmediate as afterImmediates } from 'timers';
import { configure } from '@testing-library/react';

// Build-time constants that flex-plugin-scripts' webpack defines; FlexPlugin's constructor reads them.
Object.assign(globalThis, {
  __FPB_PLUGIN_UNIQUE_NAME: 'plugin-stuck-tasks',
  __FPB_PLUGIN_VERSION: '0.0.0-test',
  __FPB_FLEX_PLUGIN_SCRIPTS_VERSION: 'test',
  __FPB_FLEX_PLUGIN_VERSION: 'test',
  __FPB_FLEX_UI_VERSION: 'test',
  __FPB_REACT_VERSION: 'test',
  __FPB_REACT_DOM_VERSION: 'test',
});

// jsdom has no matchMedia; Paste asks it about reduced motion.
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

// jsdom resolves every Emotion rule on each getComputedStyle call (about 10 ms per element with Paste's
// stylesheet), and Testing Library and user-event call it for every element they inspect, which made a
// single role query take seconds. What they need from it is whether an element is hidden or inert, and
// Paste and reakit express that inline or with the `hidden` attribute, so only those are resolved here.
window.getComputedStyle = (element: Element): CSSStyleDeclaration => {
  const style = document.createElement('div').style;
  if (element instanceof HTMLElement || element instanceof SVGElement) {
    style.cssText = element.style.cssText;
  }
  if (element.hasAttribute('hidden') && style.display === '') {
    style.display = 'none';
  }
  return style;
};

// CI is a busy 2-core machine where rendering a few hundred rows in jsdom can take seconds. Every wait
// below resolves as soon as what it waits for is on screen, so these limits only bound how long a
// failing test takes to report; they are not expectations about speed.
configure({ asyncUtilTimeout: 30_000 });
jest.setTimeout(120_000);

// React's act() flushes effects on Node immediates, and on a busy machine some can still be queued when
// a file's last test ends; jsdom torn down under them crashes the whole run. Let them run first.
afterAll(async () => {
  for (let turn = 0; turn < 10; turn += 1) await new Promise<void>((resolve) => afterImmediates(resolve));
});
