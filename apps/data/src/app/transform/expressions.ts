import jsonata from 'jsonata';
import { badTransformation } from '../datasets/datasets.errors';

/**
 * Functions an expression may call: text, numbers, aggregates over arrays, dates and type
 * conversions. Not `$eval` (code from data), `$match`/`$replace`/`$split` with patterns
 * (regular expressions are refused as syntax anyway), `$sift`/`$each`/`$map`/`$filter`/`$reduce`
 * (they take functions, which cannot be written), and not `$pad` or `$join`, which build a value
 * of any size in one step (`$pad(x, 250000000)`).
 */
export const ALLOWED_FUNCTIONS = new Set([
  'string', 'number', 'boolean', 'not', 'exists', 'type',
  'length', 'substring', 'substringBefore', 'substringAfter', 'uppercase', 'lowercase', 'trim', 'contains',
  'abs', 'floor', 'ceil', 'round', 'power', 'sqrt', 'sum', 'max', 'min', 'average', 'count', 'formatNumber',
  'now', 'millis', 'toMillis', 'fromMillis',
]);

/** Syntax that is refused: definitions, bindings, regular expressions, ranges, deep or parent paths, object transforms. */
const REFUSED_NODES = new Set(['bind', 'lambda', 'regex', 'transform', 'descendant', 'parent', 'partial', 'sort', 'error']);

/** Evaluation steps one row may take, and how often the run's deadline is looked at. */
const STEPS_PER_ROW = 10_000;
/** The largest value any step may produce: text longer, or arrays with more items, stop the run. */
export const MAX_VALUE_CHARS = 1024 * 1024;
export const MAX_VALUE_ITEMS = 10_000;

interface Node {
  type?: string;
  value?: unknown;
  procedure?: Node;
  [key: string]: unknown;
}

function check(node: unknown, inProcedure = false): void {
  if (Array.isArray(node)) return node.forEach((child) => check(child));
  if (node === null || typeof node !== 'object') return;
  const { type, value } = node as Node;
  if (type && REFUSED_NODES.has(type)) throw badTransformation(`Expressions may not use ${type === 'bind' ? ':= bindings' : type === 'lambda' ? 'function definitions' : type === 'regex' ? 'regular expressions' : type === 'descendant' ? '** paths' : `${type} syntax`}`);
  if (type === 'binary' && value === '..') throw badTransformation('Expressions may not use ranges (..)');
  if (type === 'function') {
    const procedure = (node as Node).procedure;
    if (procedure?.type !== 'variable' || !ALLOWED_FUNCTIONS.has(String(procedure.value))) {
      throw badTransformation(`Function ${procedure?.type === 'variable' ? `$${String(procedure.value)}` : '(computed)'} is not allowed; allowed: ${[...ALLOWED_FUNCTIONS].map((name) => `$${name}`).join(', ')}`);
    }
  }
  if (type === 'variable' && !inProcedure && value !== '' && value !== '$') throw badTransformation(`Variable $${String(value)} is not defined; refer to fields by name`);
  for (const [key, child] of Object.entries(node)) if (key !== 'procedure') check(child);
}

/** A run's shared deadline: every evaluation of every expression of one transformation counts against it. */
export class Budget {
  constructor(
    readonly deadline: number,
    private readonly refuse: () => Error,
  ) {}

  check(): void {
    if (Date.now() > this.deadline) throw this.refuse();
  }
}

/**
 * A JSONata expression over one row (fields by name), checked before it runs: only the syntax
 * and functions above, so no code, no regular expression, no unbounded construction. JSONata is
 * an interpreter: nothing is compiled to JavaScript (no eval, Function or vm). Each evaluation
 * may take STEPS_PER_ROW steps and the run's budget is checked as it goes.
 */
export class RowExpression {
  private readonly expression: jsonata.Expression;
  private steps = 0;
  private budget: Budget | null = null;

  constructor(readonly source: string) {
    try {
      this.expression = jsonata(source);
    } catch (error) {
      throw badTransformation(`The expression does not parse: ${(error as { message?: string }).message ?? String(error)}`);
    }
    check(this.expression.ast());
    this.expression.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, () => {
      if (++this.steps > STEPS_PER_ROW) throw badTransformation(`The expression took more than ${STEPS_PER_ROW} steps on one row`);
      if (this.steps % 500 === 0) this.budget?.check();
    });
    // every intermediate value is bounded, so `s & s & s …` stops at the step that passes the limit
    this.expression.assign(Symbol.for('jsonata.__evaluate_exit') as unknown as string, (_node: unknown, _input: unknown, _environment: unknown, result: unknown) => {
      if (typeof result === 'string' && result.length > MAX_VALUE_CHARS) throw badTransformation(`The expression made a text longer than ${MAX_VALUE_CHARS} characters`);
      if (Array.isArray(result) && result.length > MAX_VALUE_ITEMS) throw badTransformation(`The expression made a list of more than ${MAX_VALUE_ITEMS} items`);
    });
  }

  async evaluate(row: Record<string, unknown>, budget: Budget): Promise<unknown> {
    this.steps = 0;
    this.budget = budget;
    budget.check();
    try {
      return await this.expression.evaluate(row);
    } catch (error) {
      if (error instanceof Error && 'code' in error && typeof (error as { code: unknown }).code === 'string' && (error as { code: string }).code.startsWith('DATA.')) throw error;
      throw badTransformation(`The expression failed: ${(error as { message?: string }).message ?? String(error)}`);
    }
  }
}
