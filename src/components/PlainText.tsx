import type * as React from 'react';
import { useTheme } from '@twilio-paste/core/theme';

type Theme = ReturnType<typeof useTheme>;

export interface PlainTextStyles {
  /** What Paste's `Text as="span"` gives by default. */
  text: React.CSSProperties;
  /** Short values ("1 h 14 min") read badly broken over two lines. */
  noWrap: React.CSSProperties;
  /** SIDs: `Text fontFamily="fontFamilyCode" fontSize="fontSize20"`. */
  code: React.CSSProperties;
  /** `Text color="colorTextWeak"`. */
  weak: React.CSSProperties;
}

const cache = new WeakMap<Theme, PlainTextStyles>();

function stylesFor(theme: Theme): PlainTextStyles {
  const text: React.CSSProperties = {
    margin: 0,
    padding: 0,
    color: theme.textColors.colorText,
    fontSize: theme.fontSizes.fontSize30,
    lineHeight: theme.lineHeights.lineHeight30,
  };
  return {
    text,
    noWrap: { ...text, whiteSpace: 'nowrap' },
    code: { ...text, fontFamily: theme.fonts.fontFamilyCode, fontSize: theme.fontSizes.fontSize20 },
    weak: { ...text, color: theme.textColors.colorTextWeak },
  };
}

/**
 * The styles of Paste's `Text` spans as inline styles from the theme, one set per theme. Table rows
 * use plain spans with these instead of `Text`: a page of rows mounts hundreds of them at each filter
 * change, and a Paste `Text` (a styled component resolving its style props) costs far more to mount
 * than a span, for the same look.
 */
export function usePlainTextStyles(): PlainTextStyles {
  const theme = useTheme();
  let styles = cache.get(theme);
  if (!styles) {
    styles = stylesFor(theme);
    cache.set(theme, styles);
  }
  return styles;
}
