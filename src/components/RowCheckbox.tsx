import * as React from 'react';
import { Box } from '@twilio-paste/core/box';
import { BaseRadioCheckboxControl, BaseRadioCheckboxLabel } from '@twilio-paste/core/base-radio-checkbox';
import { useTheme } from '@twilio-paste/core/theme';
import { CheckboxCheckIcon } from '@twilio-paste/icons/cjs/CheckboxCheckIcon';

type Theme = ReturnType<typeof useTheme>;

export interface RowCheckboxProps {
  id: string;
  /** The box's accessible name ("Select task WT…"): the row shows no label text. */
  label: string;
  checked: boolean;
  disabled: boolean;
  onChange: () => void;
}

const wrapperStyles = new WeakMap<Theme, React.CSSProperties>();

/** Paste's Checkbox wrapper (`isSelectAllChild`) as an inline style from the theme. */
function useWrapperStyle(): React.CSSProperties {
  const theme = useTheme();
  let style = wrapperStyles.get(theme);
  if (!style) {
    style = {
      display: 'inline-flex',
      position: 'relative',
      flexDirection: 'column',
      paddingLeft: theme.space.space30,
      paddingRight: theme.space.space30,
    };
    wrapperStyles.set(theme, style);
  }
  return style;
}

/**
 * A table row's checkbox: Paste's Checkbox (`isSelectAllChild`) without its label text. Same hidden
 * input, label, control (with its hover, focus ring, checked and disabled looks) and check icon, from
 * Paste's own primitives; the input is named by `aria-label`. Paste's Checkbox mounts about eleven
 * styled components per row (a second MediaObject, the label text, a ScreenReaderOnly…), and a filter
 * change mounts a page of rows per group: in `e2e/bench/workbench.bench.ts` (2,200 suspects, 25-row
 * pages) a queue filter took 118–135 ms to commit with Paste's Checkbox in each row and 63–70 ms with a
 * bare input, so the checkbox was about half of it.
 */
export function RowCheckbox({ id, label, checked, disabled, onChange }: RowCheckboxProps) {
  const wrapperStyle = useWrapperStyle();
  return (
    <span style={wrapperStyle}>
      {/* Visually hidden the way Paste's HiddenCheckbox is; the control after it shows its state. */}
      <Box
        as="input"
        type="checkbox"
        id={id}
        aria-label={label}
        // Box's props type knows no `checked`; Paste's HiddenCheckbox passes it through the same way.
        {...{ checked }}
        onChange={onChange}
        disabled={disabled}
        size="size0"
        border="none"
        overflow="hidden"
        padding="space0"
        margin="space0"
        whiteSpace="nowrap"
        textTransform="none"
        position="absolute"
        clip="rect(0 0 0 0)"
      />
      <BaseRadioCheckboxLabel disabled={disabled} htmlFor={id}>
        {/* Paste's element names, so that a customisation of Paste's Checkbox applies here too. */}
        <BaseRadioCheckboxControl
          element="CHECKBOX_CONTROL"
          alignItems="center"
          borderRadius="borderRadius10"
          disabled={disabled}
          position="relative"
          type="checkbox"
        >
          <CheckboxCheckIcon
            element="CHECKBOX_ICON"
            decorative
            display={checked ? 'block' : 'none'}
            color="inherit"
            size="sizeIcon10"
          />
        </BaseRadioCheckboxControl>
      </BaseRadioCheckboxLabel>
    </span>
  );
}
