// Setup of the jest project that loads the real @twilio/flex-ui (`*.flex.test.tsx`). Unlike the
// plugin project's setupTests.ts it keeps jsdom's own getComputedStyle: whether Flex's collapsed side
// bar hides a link's label (`visibility: hidden` from its stylesheet) is what these tests look at.
import '@testing-library/jest-dom';
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

// jsdom has no matchMedia; Flex and Paste ask it about screen sizes and reduced motion.
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

// jsdom implements no media playback, and @twilio/flex-ui prepares its ringtones when it loads.
Object.assign(window.HTMLMediaElement.prototype, {
  play: () => Promise.resolve(),
  pause: () => undefined,
  load: () => undefined,
});

// As in setupTests.ts: CI is a busy 2-core machine, and every wait (findBy…, waitFor) resolves as soon
// as what it waits for is on screen, so this only bounds how long a failing test takes to report.
configure({ asyncUtilTimeout: 30_000 });
