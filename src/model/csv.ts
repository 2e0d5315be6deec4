/**
 * The plugin's CSV writer: RFC 4180 (fields quoted when they hold a comma, a double quote, CR or LF;
 * quotes doubled; CRLF after every record, the header included) with the CLI's formula guard. The CLI
 * (serverless/src/cli/report.ts) writes its reports with csv-stringify; the plugin does not ship that
 * library (and its Node build) to every Flex page for a dozen lines, and `contract/` stays types and
 * constants only, so the rule is written again here. `csv.test.ts` feeds both writers the same awkward
 * rows and requires the same bytes, so the two cannot drift apart.
 */

export type CsvValue = string | number | null | undefined;

// Queue names, agent names and Twilio's messages are free text; a spreadsheet would run a cell
// starting with one of these as a formula, so such cells get a leading apostrophe (the OWASP advice
// for CSV exports). The same characters as the CLI's FORMULA_TRIGGER.
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

function cell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  // Numbers are written as they are (a negative number is not a formula); only text is guarded.
  const text = typeof value === 'number' ? String(value) : FORMULA_TRIGGER.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row of `columns`, then one record per row in that column order. */
export function toCsv<Column extends string>(
  rows: readonly Readonly<Record<Column, CsvValue>>[],
  columns: readonly Column[],
): string {
  const lines = [columns.map((column) => cell(column)).join(',')];
  for (const row of rows) lines.push(columns.map((column) => cell(row[column])).join(','));
  return lines.map((line) => `${line}\r\n`).join('');
}
