import { badRequest } from './twilio-errors';

/**
 * A small, honest subset of TaskRouter's expression language, for `EvaluateTaskAttributes` on the
 * task list: `attr == 'x'` (also `=`), `!=`, `<`, `>`, `<=`, `>=`, `attr IN ['a','b']`, `NOT IN`,
 * `attr HAS 'x'` (an array attribute holds it), `AND` / `OR` (any case; AND binds tighter), and
 * parentheses. Attributes are dotted paths into the task's attributes; literals are strings in single
 * or double quotes, numbers, `true`, `false` and `null`. Anything else is refused with 400, as Twilio
 * refuses an expression it cannot parse, rather than silently matching nothing.
 */
export type TaskExpression =
  | { kind: 'and' | 'or'; left: TaskExpression; right: TaskExpression }
  | { kind: 'compare'; path: string[]; op: CompareOp; value: Literal | Literal[] };

type Literal = string | number | boolean | null;
type CompareOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'IN' | 'NOT IN' | 'HAS';

type Token =
  | { kind: 'ident'; text: string }
  | { kind: 'literal'; value: Literal }
  | { kind: 'op'; text: string }
  | { kind: 'punct'; text: '(' | ')' | '[' | ']' | ',' };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/;
const NUMBER = /^-?\d+(\.\d+)?/;
const SYMBOL_OPS = ['==', '!=', '<=', '>=', '=', '<', '>'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let rest = text;
  while ((rest = rest.trimStart()).length > 0) {
    const char = rest[0];
    if ('()[],'.includes(char)) {
      tokens.push({ kind: 'punct', text: char as '(' | ')' | '[' | ']' | ',' });
      rest = rest.slice(1);
      continue;
    }
    if (char === "'" || char === '"') {
      const end = rest.indexOf(char, 1);
      if (end < 0) throw new Error('a string is not closed');
      tokens.push({ kind: 'literal', value: rest.slice(1, end) });
      rest = rest.slice(end + 1);
      continue;
    }
    const symbol = SYMBOL_OPS.find((op) => rest.startsWith(op));
    if (symbol) {
      tokens.push({ kind: 'op', text: symbol === '=' ? '==' : symbol });
      rest = rest.slice(symbol.length);
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ kind: 'literal', value: Number(number[0]) });
      rest = rest.slice(number[0].length);
      continue;
    }
    const ident = IDENT.exec(rest);
    if (!ident) throw new Error(`unexpected ${JSON.stringify(rest.slice(0, 10))}`);
    const word = ident[0];
    const upper = word.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') tokens.push({ kind: 'literal', value: upper === 'TRUE' });
    else if (upper === 'NULL') tokens.push({ kind: 'literal', value: null });
    else if (['AND', 'OR', 'IN', 'NOT', 'HAS'].includes(upper)) tokens.push({ kind: 'op', text: upper });
    else tokens.push({ kind: 'ident', text: word });
    rest = rest.slice(word.length);
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): TaskExpression {
    const expression = this.or();
    if (this.at < this.tokens.length) throw new Error('unexpected text after the expression');
    return expression;
  }

  private peekOp(text: string): boolean {
    const token = this.tokens[this.at];
    return token?.kind === 'op' && token.text === text;
  }

  private next(): Token {
    const token = this.tokens[this.at];
    if (!token) throw new Error('the expression ends too early');
    this.at += 1;
    return token;
  }

  private expectPunct(text: string): void {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== text) throw new Error(`expected ${text}`);
  }

  private or(): TaskExpression {
    let left = this.and();
    while (this.peekOp('OR')) {
      this.at += 1;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): TaskExpression {
    let left = this.primary();
    while (this.peekOp('AND')) {
      this.at += 1;
      left = { kind: 'and', left, right: this.primary() };
    }
    return left;
  }

  private primary(): TaskExpression {
    const token = this.tokens[this.at];
    if (token?.kind === 'punct' && token.text === '(') {
      this.at += 1;
      const inner = this.or();
      this.expectPunct(')');
      return inner;
    }
    const attribute = this.next();
    if (attribute.kind !== 'ident') throw new Error('expected an attribute name');
    const op = this.operator();
    const value = op === 'IN' || op === 'NOT IN' ? this.list() : this.literal();
    return { kind: 'compare', path: attribute.text.split('.'), op, value };
  }

  private operator(): CompareOp {
    const token = this.next();
    if (token.kind !== 'op') throw new Error('expected an operator');
    if (token.text === 'NOT') {
      if (!this.peekOp('IN')) throw new Error('NOT is only supported in NOT IN');
      this.at += 1;
      return 'NOT IN';
    }
    if (token.text === 'AND' || token.text === 'OR') throw new Error(`unexpected ${token.text}`);
    return token.text as CompareOp;
  }

  private literal(): Literal {
    const token = this.next();
    if (token.kind !== 'literal') throw new Error('expected a value');
    return token.value;
  }

  private list(): Literal[] {
    this.expectPunct('[');
    const values: Literal[] = [];
    const first = this.tokens[this.at];
    if (first?.kind === 'punct' && first.text === ']') {
      this.at += 1;
      return values;
    }
    for (;;) {
      values.push(this.literal());
      const token = this.next();
      if (token.kind === 'punct' && token.text === ']') return values;
      if (token.kind !== 'punct' || token.text !== ',') throw new Error('expected , or ] in a list');
    }
  }
}

/** The expression, or 400 code 20001 naming what could not be read. */
export function parseTaskExpression(text: string): TaskExpression {
  try {
    return new Parser(tokenize(text)).parse();
  } catch (error) {
    throw badRequest(`Invalid EvaluateTaskAttributes '${text}': ${(error as Error).message}`);
  }
}

/** Whether the attributes (JSON text; anything not a JSON object matches nothing) satisfy it. */
export function matchesTaskExpression(expression: TaskExpression, attributes: unknown): boolean {
  switch (expression.kind) {
    case 'and':
      return matchesTaskExpression(expression.left, attributes) && matchesTaskExpression(expression.right, attributes);
    case 'or':
      return matchesTaskExpression(expression.left, attributes) || matchesTaskExpression(expression.right, attributes);
    case 'compare':
      return compare(valueAt(attributes, expression.path), expression.op, expression.value);
  }
}

function valueAt(attributes: unknown, path: string[]): unknown {
  let value = attributes;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function compare(actual: unknown, op: CompareOp, expected: Literal | Literal[]): boolean {
  if (actual === undefined) return op === 'NOT IN' || op === '!=';
  switch (op) {
    case 'IN':
      return (expected as Literal[]).some((value) => value === actual);
    case 'NOT IN':
      return !(expected as Literal[]).some((value) => value === actual);
    case 'HAS':
      return Array.isArray(actual) && actual.includes(expected);
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
    default: {
      if (typeof actual !== 'number' || typeof expected !== 'number') return false;
      if (op === '<') return actual < expected;
      if (op === '>') return actual > expected;
      if (op === '<=') return actual <= expected;
      return actual >= expected;
    }
  }
}
