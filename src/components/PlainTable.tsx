import { css, styled } from '@twilio-paste/core/styling-library';

/*
 * Paste's `Tr` and `Td` as styled elements with fixed styles. Paste's own are `Box`es that resolve
 * about twenty style props on every render; a filter change mounts a page of rows in each group,
 * about a thousand cells, and resolving those props was most of what it cost. Same look: the styles
 * below are what Paste's `Tr` and `Td` (table 5) give a cell of an unstriped table, and Paste's `TBody`
 * still drops the last row's border (its rule is more specific than these).
 */

export const PlainTr = styled.tr(css({ boxSizing: 'border-box', verticalAlign: 'middle' }));

export const PlainTd = styled.td(
  css({
    boxSizing: 'border-box',
    borderStyle: 'solid',
    borderColor: 'colorBorderWeaker',
    borderWidth: 'borderWidth0',
    borderBottomWidth: 'borderWidth10',
    fontSize: 'fontSize30',
    lineHeight: 'lineHeight30',
    paddingBottom: 'space40',
    paddingLeft: 'space50',
    paddingRight: 'space50',
    paddingTop: 'space40',
    position: 'relative',
    textAlign: 'left',
    verticalAlign: 'inherit',
    wordWrap: 'break-word',
  }),
);
