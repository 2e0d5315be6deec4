/**
 * Text from outside the CLI (queue and channel names typed by customers, Twilio's messages, file
 * names) reaches the operator's terminal only through these: an escape sequence in a queue name
 * could otherwise recolour, move the cursor, retitle the window or hide what follows.
 */

// CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), DCS/SOS/PM/APC strings, and two-byte escapes;
// the 8-bit C1 forms (U+009B CSI, U+009D OSC) as well. Matching control characters is the point here.
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /(?:\u001b\[|\u009b)[\u0020-\u003f]*[\u0040-\u007e]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[\u0020-\u007e]?/g;
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
const INVISIBLE = /\p{Cf}/gu;

/** One line of text safe to print: escape sequences removed, other control characters as spaces. */
export function printableLine(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, ' ').replace(INVISIBLE, '');
}

/** Like printableLine, but keeps line breaks (the CLI's own multi-line messages). */
export function printableText(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => printableLine(line))
    .join('\n');
}
