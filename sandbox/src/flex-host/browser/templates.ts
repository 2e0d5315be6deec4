/**
 * Flex compiles `manager.strings` entries as Handlebars templates. The sandbox fills `{{name}}`
 * (and `{{{name}}}`) placeholders from the context, which is what plugin strings use.
 */
export function fillTemplate(template: string, context: Record<string, unknown> = {}): string {
  return template.replace(/\{\{\{?\s*([\w.]+)\s*\}?\}\}/g, (_match, path: string) => {
    const value = path.split('.').reduce<unknown>((current, part) => {
      return current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined;
    }, context);
    return value === undefined || value === null ? '' : String(value);
  });
}
