import { setImmediate as afterImmediates } from 'timers';

import './jsdomEnvironment';

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

// Like the wait limit in jsdomEnvironment.ts: bounds how long a failing test takes to report on a busy
// machine, not an expectation about speed.
jest.setTimeout(120_000);

// React's act() flushes effects on Node immediates, and on a busy machine some can still be queued when
// a file's last test ends; jsdom torn down under them crashes the whole run. Let them run first.
afterAll(async () => {
  for (let turn = 0; turn < 10; turn += 1) await new Promise<void>((resolve) => afterImmediates(resolve));
});
