import * as React from 'react';
import { StylingGlobals } from '@twilio-paste/core/styling-library';
import { useTheme } from '@twilio-paste/core/theme';

type Theme = ReturnType<typeof useTheme>;

/**
 * The rows of the big tables (suspects, needs review) as plain elements with class names, styled like
 * Paste's `Tr`, `Td`, `Text`, Checkbox, `Button variant="link"` and Badge by one stylesheet written
 * from the theme (`PlainRowStyles`, rendered by each table that uses them).
 *
 * Why not Paste's own: a filter change mounts a page of rows in each table, and each Paste element is
 * a styled component that resolves and serialises its style props on every mount (a Checkbox is about
 * eleven of them); inline styles instead cost React a property write each, on every cell. In
 * `e2e/bench/workbench.bench.ts` (6,400 tasks, about 2,500 suspects, Chromium) a queue filter took
 * 148 ms to commit with Paste's controls in the rows, 52 ms with plain controls and inline-styled
 * cells, 34–39 ms with classes throughout (`src/README.md` has the figures). The tables' headers, the
 * select-all box, pagers and everything outside the rows stay Paste.
 */

/** Class names of the plain row elements (the stylesheet below gives them Paste's look). */
export const plain = {
  /** A `tr`: Paste's `Tr`. */
  row: 'stuck-tasks-row',
  /** A `td`: Paste's `Td` (table 5, unstriped); the last row's cells have no bottom border. */
  cell: 'stuck-tasks-cell',
  /** Paste's `Text as="span"`. */
  text: 'stuck-tasks-text',
  /** Short values ("1 h 14 min") read badly broken over two lines. */
  noWrap: 'stuck-tasks-text stuck-tasks-nowrap',
  /** SIDs: `Text fontFamily="fontFamilyCode" fontSize="fontSize20"`. */
  code: 'stuck-tasks-code',
  /** `Text color="colorTextWeak"`. */
  weak: 'stuck-tasks-text stuck-tasks-weak',
  /** A line of its own that may break anywhere (34-character SIDs). */
  breakAnywhere: 'stuck-tasks-break-anywhere',
  /** An outcome cell: the badge over its message. */
  outcome: 'stuck-tasks-outcome',
  /** `Text fontSize="fontSize20" color="colorTextWeak"`. */
  smallWeak: 'stuck-tasks-small-weak',
} as const;

const PREFIX = 'stuck-tasks-row';
const CHECKBOX = `${PREFIX}-checkbox`;
const LINK = `${PREFIX}-link`;
const BADGE = `${PREFIX}-badge`;

/** Paste Badge variants the rows use. */
export type RowBadgeVariant = 'neutral' | 'warning' | 'info' | 'success' | 'error' | 'decorative10' | 'decorative20';

/** Paste's badge colours (`@twilio-paste/badge` styles), by variant. */
const BADGE_COLORS: Record<RowBadgeVariant, { background: string; text: string }> = {
  neutral: { background: 'colorBackgroundNeutralWeakest', text: 'colorTextNeutral' },
  info: { background: 'colorBackgroundNeutralWeakest', text: 'colorTextNeutral' },
  warning: { background: 'colorBackgroundWarningWeakest', text: 'colorTextWarningStrong' },
  success: { background: 'colorBackgroundSuccessWeakest', text: 'colorTextSuccess' },
  error: { background: 'colorBackgroundErrorWeakest', text: 'colorTextErrorStrong' },
  decorative10: { background: 'colorBackgroundDecorative10Weakest', text: 'colorTextDecorative10' },
  decorative20: { background: 'colorBackgroundDecorative20Weakest', text: 'colorTextDecorative20' },
};

/** A theme token by name, from one of the theme's scales. */
function token(scale: object | undefined, name: string): string {
  const value = (scale as Record<string, string | undefined> | undefined)?.[name];
  if (value === undefined) throw new Error(`The Paste theme has no ${name}`);
  return value;
}

/** The plain rows' stylesheet for a theme: Paste's styles, state by state for the controls. */
export function plainRowsCss(theme: Theme): string {
  const bg = (name: string) => token(theme.backgroundColors, name);
  const border = (name: string) => token(theme.borderColors, name);
  const text = (name: string) => token(theme.textColors, name);
  const space = (name: string) => token(theme.space, name);
  const box = `.${CHECKBOX} > input`;
  const badges = Object.entries(BADGE_COLORS)
    .map(
      ([variant, colors]) =>
        `.${BADGE}--${variant}{background-color:${bg(colors.background)};color:${text(colors.text)};}`,
    )
    .join('');
  const cell = `.${plain.cell}`;
  return [
    // Rows and cells: Paste's Tr and Td.
    `.${plain.row}{box-sizing:border-box;vertical-align:middle;}`,
    `${cell}{box-sizing:border-box;position:relative;text-align:left;vertical-align:inherit;word-wrap:break-word;` +
      `border:0 solid ${border('colorBorderWeaker')};border-bottom-width:${token(theme.borderWidths, 'borderWidth10')};` +
      `font-size:${token(theme.fontSizes, 'fontSize30')};line-height:${token(theme.lineHeights, 'lineHeight30')};` +
      `padding:${space('space40')} ${space('space50')};}`,
    `.${plain.row}:last-child > ${cell}{border-bottom-width:0;}`,
    // Text.
    `.stuck-tasks-text{margin:0;padding:0;color:${text('colorText')};font-size:${token(theme.fontSizes, 'fontSize30')};line-height:${token(theme.lineHeights, 'lineHeight30')};}`,
    `.stuck-tasks-nowrap{white-space:nowrap;}`,
    `.${plain.code}{margin:0;padding:0;color:${text('colorText')};font-family:${token(theme.fonts, 'fontFamilyCode')};` +
      `font-size:${token(theme.fontSizes, 'fontSize20')};line-height:${token(theme.lineHeights, 'lineHeight30')};}`,
    `.stuck-tasks-weak{color:${text('colorTextWeak')};}`,
    `.${plain.breakAnywhere}{display:block;overflow-wrap:anywhere;}`,
    `.${plain.outcome}{display:flex;flex-direction:column;row-gap:${space('space10')};overflow-wrap:anywhere;}`,
    `.${plain.smallWeak}{color:${text('colorTextWeak')};font-size:${token(theme.fontSizes, 'fontSize20')};line-height:${token(theme.lineHeights, 'lineHeight20')};}`,
    // Checkbox: Paste's Checkbox with isSelectAllChild, the input itself drawn as the control.
    `.${CHECKBOX}{position:relative;display:inline-flex;vertical-align:middle;padding:0 calc(${space('space30')} + ${space('space20')}) 0 ${space('space30')};}`,
    `${box}{appearance:none;-webkit-appearance:none;box-sizing:border-box;display:block;flex-shrink:0;` +
      `width:${token(theme.sizes, 'sizeSquare50')};height:${token(theme.sizes, 'sizeSquare50')};` +
      `margin:${space('space10')} ${space('space20')};padding:0;outline:none;cursor:pointer;` +
      `border:${token(theme.borderWidths, 'borderWidth10')} solid ${border('colorBorder')};` +
      `border-radius:${token(theme.radii, 'borderRadius10')};background-color:${bg('colorBackgroundBody')};}`,
    `${box}:hover{border-color:${border('colorBorderPrimaryStronger')};}`,
    `${box}:focus{border-color:${border('colorBorderPrimaryStronger')};box-shadow:${token(theme.shadows, 'shadowFocus')};}`,
    `${box}:active:not(:disabled){border-color:${border('colorBorderPrimaryStronger')};background-color:${bg('colorBackgroundPrimaryStronger')};}`,
    `${box}:checked{border-color:${border('colorBorderPrimary')};background-color:${bg('colorBackgroundPrimary')};}`,
    `${box}:checked:hover,${box}:checked:focus{border-color:${border('colorBorderPrimaryStronger')};background-color:${bg('colorBackgroundPrimaryStronger')};}`,
    `${box}:disabled{border-color:${border('colorBorderWeaker')};cursor:not-allowed;}`,
    `${box}:checked:disabled{border-color:${border('colorBorderWeaker')};background-color:${bg('colorBackgroundStrong')};}`,
    `.${CHECKBOX} > svg{display:none;position:absolute;top:${space('space10')};left:calc(${space('space30')} + ${space('space20')});` +
      `width:${token(theme.sizes, 'sizeIcon10')};height:${token(theme.sizes, 'sizeIcon10')};pointer-events:none;color:${text('colorTextInverse')};}`,
    `${box}:checked + svg{display:block;}`,
    `${box}:checked:disabled + svg{color:${text('colorTextWeakest')};}`,
    // Link button: Paste's Button variant="link" size="default" (its reset, colours and focus ring).
    `.${LINK}{appearance:none;background:none;border:none;margin:0;padding:0;display:inline-block;position:relative;` +
      `font-family:inherit;font-size:inherit;font-weight:${token(theme.fontWeights, 'fontWeightSemibold')};text-align:left;` +
      `color:${text('colorTextLink')};text-decoration:none;outline:none;cursor:pointer;border-radius:${token(theme.radii, 'borderRadius10')};` +
      `transition:background-color 100ms ease-in,box-shadow 100ms ease-in,color 100ms ease-in;}`,
    `.${LINK}:hover{color:${text('colorTextLinkStronger')};text-decoration:underline;}`,
    `.${LINK}:focus{color:${text('colorTextLinkStronger')};box-shadow:${token(theme.shadows, 'shadowFocus')};text-decoration:underline;}`,
    `.${LINK}:active{color:${text('colorTextLinkStrongest')};text-decoration:underline;}`,
    // Badge: Paste's Badge as="span".
    `.${BADGE}{display:flex;align-items:center;max-width:max-content;position:relative;box-sizing:border-box;` +
      `column-gap:${space('space20')};padding:${space('space20')} ${space('space30')};border-radius:${token(theme.radii, 'borderRadius30')};` +
      `font-size:${token(theme.fontSizes, 'fontSize20')};font-weight:${token(theme.fontWeights, 'fontWeightSemibold')};` +
      `line-height:${token(theme.lineHeights, 'lineHeight10')};}`,
    badges,
  ].join('\n');
}

/**
 * A table and its pager, rendered by the browser only when on screen (`content-visibility: auto`):
 * the view holds several long tables, and a filter change re-lays out every one of them although a
 * supervisor sees one or two. Off-screen tables stay in the accessibility tree and in find-in-page;
 * `contain-intrinsic-size: auto` keeps the size they last had, so the scroll bar does not jump.
 */
export const offscreenSkipped: React.CSSProperties = {
  contentVisibility: 'auto',
  containIntrinsicSize: 'auto 40rem',
  // It also clips painting to the box: room for the focus rings of the edge controls (the pager's
  // first arrow), the same size as Paste's space20, given back by the margin.
  padding: '0.25rem',
  margin: '-0.25rem',
};

const cssCache = new WeakMap<Theme, string>();

/** The plain rows' stylesheet, for the theme in use; render it once in each table that uses them. */
export function PlainRowStyles() {
  const theme = useTheme();
  let css = cssCache.get(theme);
  if (css === undefined) {
    css = plainRowsCss(theme);
    cssCache.set(theme, css);
  }
  return <StylingGlobals styles={css} />;
}

export interface RowCheckboxProps {
  id: string;
  /** The accessible name (there is no visible label in a table row). */
  label: string;
  checked: boolean;
  disabled: boolean;
  onChange: () => void;
}

/** Paste's check icon (`CheckboxCheckIcon`), drawn over the input when it is checked. */
const CHECK_PATH =
  'M15.59 5.916a1.386 1.386 0 00-1.98 0l-5.04 5.138L6.39 8.83a1.38 1.38 0 00-1.98 0 1.448 1.448 0 000 2.018l3.171 3.233a1.382 1.382 0 001.98 0l6.03-6.148a1.448 1.448 0 000-2.018z';

/** A row's checkbox: a native input (keyboard, forms and assistive technology as any checkbox). */
export function RowCheckbox({ id, label, checked, disabled, onChange }: RowCheckboxProps) {
  return (
    <span className={CHECKBOX}>
      <input type="checkbox" id={id} aria-label={label} checked={checked} disabled={disabled} onChange={onChange} />
      <svg aria-hidden="true" focusable="false" viewBox="0 0 20 20">
        <path fill="currentColor" fillRule="evenodd" d={CHECK_PATH} />
      </svg>
    </span>
  );
}

/** A button that looks like a link, as Paste's `Button variant="link"`. */
export function RowLinkButton({
  label,
  onClick,
  children,
}: {
  /** The accessible name, when the visible text alone does not say what the button does. */
  label?: string;
  onClick: () => void;
  children: React.ReactNode;
}) {
  return (
    <button type="button" className={LINK} aria-label={label} onClick={onClick}>
      {children}
    </button>
  );
}

/** A badge, as Paste's `Badge as="span"`. */
export function RowBadge({ variant, children }: { variant: RowBadgeVariant; children: React.ReactNode }) {
  return <span className={`${BADGE} ${BADGE}--${variant}`}>{children}</span>;
}
