// What both jsdom jest projects (`plugin` and the real-Flex `flex`) need before any test file loads:
// the globals a flex-plugin-scripts build defines, the browser APIs jsdom lacks, and Testing Library's
// wait limit.
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

// jsdom implements no media playback, and @twilio/flex-ui prepares its ringtones when it loads.
Object.assign(window.HTMLMediaElement.prototype, {
  play: () => Promise.resolve(),
  pause: () => undefined,
  load: () => undefined,
});

// CI is a busy 2-core machine where rendering a few hundred rows in jsdom can take seconds. Every wait
// (findBy…, waitFor) resolves as soon as what it waits for is on screen, so this limit only bounds how
// long a failing test takes to report; it is not an expectation about speed.
configure({ asyncUtilTimeout: 30_000 });
