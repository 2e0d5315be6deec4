import type * as React from 'react';
import { useTheme } from '@twilio-paste/core/theme';

type Theme = ReturnType<typeof useTheme>;

export interface PlainRowStyles {
  tr: React.CSSProperties;
  td: React.CSSProperties;
  /** The last row's cells: no bottom border (Paste's TBody drops it, but an inline border would win). */
  lastRowTd: React.CSSProperties;
}

const cache = new WeakMap<Theme, PlainRowStyles>();

function stylesFor(theme: Theme): PlainRowStyles {
  const td: React.CSSProperties = {
    boxSizing: 'border-box',
    borderStyle: 'solid',
    borderColor: theme.borderColors.colorBorderWeaker,
    borderWidth: 0,
    borderBottomWidth: theme.borderWidths.borderWidth10,
    fontSize: theme.fontSizes.fontSize30,
    lineHeight: theme.lineHeights.lineHeight30,
    padding: `${theme.space.space40} ${theme.space.space50}`,
    position: 'relative',
    textAlign: 'left',
    verticalAlign: 'inherit',
    wordWrap: 'break-word',
  };
  return {
    tr: { boxSizing: 'border-box', verticalAlign: 'middle' },
    td,
    lastRowTd: { ...td, borderBottomWidth: 0 },
  };
}

/**
 * The styles of Paste's `Tr` and `Td` (table 5, unstriped) as inline styles from the theme, one set per
 * theme, for plain `tr` and `td` elements. Paste's are `Box`es that resolve about twenty style props on
 * every render: a filter change mounts a page of rows in each group, about a thousand cells, and a
 * select-all re-renders each row's checkbox cell. Same look, without the style resolution.
 */
export function usePlainRowStyles(): PlainRowStyles {
  const theme = useTheme();
  let styles = cache.get(theme);
  if (!styles) {
    styles = stylesFor(theme);
    cache.set(theme, styles);
  }
  return styles;
}
