import * as React from 'react';
import type { Translate } from '../strings';
import { createTranslator } from '../strings';

const StringsContext = React.createContext<Translate>(createTranslator(() => ({})));

export const StringsProvider = StringsContext.Provider;

/** The plugin's string lookup; components never hard-code user-facing text. */
export function useTranslate(): Translate {
  return React.useContext(StringsContext);
}
