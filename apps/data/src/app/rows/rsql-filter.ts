import { type ComparisonNode, type ExpressionNode, isComparisonNode, isLogicNode } from '@rsql/ast';
import { parse } from '@rsql/parser';
import type { mongo } from 'mongoose';
import { badFilter } from '../datasets/datasets.errors';
import { convert, type StoredField } from '../schema/field-rules';
import type { RowDocument } from './row-store';

export type RowFilter = mongo.Filter<RowDocument>;

export const MAX_FILTER_COMPARISONS = 50;
export const MAX_FILTER_DEPTH = 10;
export const MAX_IN_VALUES = 100;

type Filter = Record<string, unknown>;

const OPERATORS: Record<string, string> = {
  '==': '$eq',
  '!=': '$ne',
  '<': '$lt',
  '=lt=': '$lt',
  '<=': '$lte',
  '=le=': '$lte',
  '>': '$gt',
  '=gt=': '$gt',
  '>=': '$gte',
  '=ge=': '$gte',
  '=in=': '$in',
  '=out=': '$nin',
};

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * An RSQL/FIQL filter as a MongoDB query over stored rows: parsed by @rsql/parser, then rebuilt
 * from an allow-list — selectors must be fields of the schema (mapped to their storage keys),
 * operators one of == != < <= > >= =lt= =le= =gt= =ge= =in= =out=, values converted to the
 * field's type. Nothing from the client reaches the query as an operator: `$where`, `$expr`,
 * `$function` or a regular expression cannot be written, and `*` (prefix, suffix, contains, on
 * text fields with == and !=) becomes an escaped, anchored pattern that runs in linear time.
 */
export function compileFilter(text: string | undefined, fields: StoredField[]): RowFilter {
  if (text === undefined || text.trim() === '') return {};
  let ast: ExpressionNode;
  try {
    ast = parse(text);
  } catch (error) {
    throw badFilter(`The filter does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  const byName = new Map(fields.map((field) => [field.name, field]));
  let comparisons = 0;
  // depth counts nesting of and-inside-or (parentheses), not the parser's binary chain of a;b;c
  const build = (node: ExpressionNode, depth: number, parent: string | null = null): Filter => {
    if (isLogicNode(node)) {
      const operator = node.operator === ';' || node.operator === 'and' ? '$and' : '$or';
      const level = operator === parent ? depth : depth + 1;
      if (level > MAX_FILTER_DEPTH) throw badFilter(`The filter nests deeper than ${MAX_FILTER_DEPTH} levels`);
      const parts = [node.left, node.right].flatMap((child) => {
        const built = build(child, level, operator);
        // flatten a;b;c into one $and (or one $or) instead of a nested chain
        return Object.keys(built).length === 1 && Array.isArray(built[operator]) ? (built[operator] as Filter[]) : [built];
      });
      return { [operator]: parts };
    }
    if (!isComparisonNode(node)) throw badFilter('The filter is not a comparison or a combination of comparisons');
    if (++comparisons > MAX_FILTER_COMPARISONS) throw badFilter(`The filter has more than ${MAX_FILTER_COMPARISONS} comparisons`);
    return comparison(node, byName);
  };
  return build(ast, 0) as RowFilter;
}

function comparison(node: ComparisonNode, byName: Map<string, StoredField>): Filter {
  const name = node.left.selector;
  const field = byName.get(name);
  if (!field) throw badFilter(`Unknown field "${name.slice(0, 100)}" in the filter`);
  if (field.type === 'json') throw badFilter(`${name} is a json field: it cannot be filtered on`);
  const operator = OPERATORS[node.operator];
  if (!operator) throw badFilter(`Unknown operator ${node.operator.slice(0, 20)}: use == != < <= > >= =in= =out=`);
  const raw = node.right.value;
  const list = Array.isArray(raw);
  if (list !== (operator === '$in' || operator === '$nin')) throw badFilter(list ? `${node.operator} takes one value` : `${node.operator} takes a list: (a,b,c)`);
  if (list) {
    if (raw.length > MAX_IN_VALUES) throw badFilter(`At most ${MAX_IN_VALUES} values in a list`);
    return { [field.key]: { [operator]: raw.map((value) => typed(value, field)) } };
  }
  const value = raw as string;
  if (field.type === 'string' && (operator === '$eq' || operator === '$ne') && value.includes('*')) {
    // prefix (a*), suffix (*a) or contains (*a*) only: one literal, so the pattern has no
    // repetition to backtrack on, whatever engine runs it (MongoDB's PCRE included)
    const literal = value.replace(/^\*/, '').replace(/\*$/, '');
    if (literal.includes('*') || literal === '') throw badFilter('* may stand only at the start and/or the end of a value: Al*, *son, *li*');
    const pattern = `${value.startsWith('*') ? '' : '^'}${escapeRegex(literal)}${value.endsWith('*') ? '' : '$'}`;
    return operator === '$eq' ? { [field.key]: { $regex: pattern } } : { [field.key]: { $not: new RegExp(pattern) } };
  }
  return { [field.key]: { [operator]: typed(value, field) } };
}

function typed(value: string, field: StoredField): unknown {
  const converted = convert(value, field.type);
  if (converted === undefined) throw badFilter(`${value.slice(0, 100)} is not a valid ${field.type} for ${field.name}`);
  return converted;
}
