import type { CastOnError, FieldType, StepBody, TransformOp } from './data-queries';
import { splitList } from './schema-draft';

/** One step of the transformation builder, as typed: every input of every op, only some used. */
export interface StepDraft {
  /** React's key: stays with the step while others are added or removed. */
  key: number;
  op: TransformOp;
  field: string;
  to: string;
  type: FieldType;
  onError: CastOnError;
  expression: string;
  /** drop, dedupe, sort: field names, comma-separated. */
  fieldsText: string;
}

export type StepInput = 'field' | 'to' | 'type' | 'onError' | 'expression' | 'fields';

/** The inputs each op takes (TransformStepDto), in the order the builder shows them. */
export const OP_INPUTS: Record<TransformOp, StepInput[]> = {
  rename: ['field', 'to'],
  cast: ['field', 'type', 'onError'],
  filter: ['expression'],
  derive: ['field', 'type', 'expression'],
  drop: ['fields'],
  dedupe: ['fields'],
  sort: ['fields'],
};

export function emptyStep(key: number, op: TransformOp = 'rename'): StepDraft {
  return { key, op, field: '', to: '', type: 'number', onError: 'fail', expression: '', fieldsText: '' };
}

/** The inputs of its op that a step still lacks. */
export function missingInputs(step: StepDraft): StepInput[] {
  return OP_INPUTS[step.op].filter((input) => {
    if (input === 'field') return step.field.trim() === '';
    if (input === 'to') return step.to.trim() === '';
    if (input === 'expression') return step.expression.trim() === '';
    if (input === 'fields') return splitList(step.fieldsText).length === 0;
    return false;
  });
}

/** A step as the API takes it: its op and only that op's inputs. */
export function toStepBody(step: StepDraft): StepBody {
  const body: StepBody = { op: step.op };
  for (const input of OP_INPUTS[step.op]) {
    if (input === 'field') body.field = step.field.trim();
    else if (input === 'to') body.to = step.to.trim();
    else if (input === 'type') body.type = step.type;
    else if (input === 'onError') body.onError = step.onError;
    else if (input === 'expression') body.expression = step.expression.trim();
    else body.fields = splitList(step.fieldsText);
  }
  return body;
}

/** The steps as the body of a preview or an apply, or which steps lack which inputs. */
export function toSteps(drafts: StepDraft[]): { steps: StepBody[] } | { incomplete: { n: number; missing: StepInput[] }[] } {
  const incomplete = drafts.map((step, index) => ({ n: index + 1, missing: missingInputs(step) })).filter(({ missing }) => missing.length > 0);
  return incomplete.length > 0 ? { incomplete } : { steps: drafts.map(toStepBody) };
}
