import { getMetadataStorage, type MetadataStorage } from 'class-validator';

type Storage = MetadataStorage;
type Lookup = Storage['getTargetValidationMetadatas'];
type ValidationMetadata = ReturnType<Lookup>[number];
type Grouped = Record<string, ValidationMetadata[]>;

const MEMOIZED = Symbol.for('site11.validationMetadataMemo');

/**
 * Remembers what class-validator 0.14 computes for every object it validates, which never
 * changes once the classes are loaded:
 *
 * - `getTargetValidationMetadatas` tests the object's class against every decorated class of the
 *   process (`prototype instanceof`, for inherited rules) and filters its own rules by group, on
 *   every call: a cost in the number of DTO classes the app has loaded, paid for each validated
 *   object, nested ones included (typestack/class-validator#2686, open; 0.15.1 unchanged).
 * - `groupByPropertyName` then builds a new object of arrays from that list, also every call.
 *
 * Both answers are kept per class and per option set (schema, `always`, `strictGroups`,
 * `groups`), and the same objects are handed back: class-validator, Nest's ValidationPipe and
 * mapped-types only read them. Registering any rule or constraint afterwards (a class loaded
 * late, `registerSchema`) forgets everything, so class-validator never checks a late class
 * against an old answer. Applied once per process, to the one global store class-validator
 * keeps; idempotent.
 */
export function memoizeValidationMetadata(storage: Storage = getMetadataStorage()): void {
  const marked = storage as Storage & { [MEMOIZED]?: true };
  if (marked[MEMOIZED]) return;
  marked[MEMOIZED] = true;

  let lists = new WeakMap<object, Map<string, ValidationMetadata[]>>();
  let groupings = new WeakMap<ValidationMetadata[], Grouped>();
  const forget = () => {
    lists = new WeakMap();
    groupings = new WeakMap();
  };

  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    // a target is a class; anything else (never seen from the pipe) goes to the library as is
    if (typeof target !== 'function') return lookup(target, schema, always, strictGroups, groups);
    const key = JSON.stringify([schema ?? null, always, strictGroups, groups ?? null]);
    let byOptions = lists.get(target);
    if (!byOptions) lists.set(target, (byOptions = new Map()));
    let found = byOptions.get(key);
    if (!found) byOptions.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };

  const group = storage.groupByPropertyName.bind(storage);
  storage.groupByPropertyName = (metadata) => {
    let grouped = groupings.get(metadata);
    if (!grouped) groupings.set(metadata, (grouped = group(metadata)));
    return grouped;
  };

  const addValidation = storage.addValidationMetadata.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    forget();
    addValidation(metadata);
  };
  const addConstraint = storage.addConstraintMetadata.bind(storage);
  storage.addConstraintMetadata = (metadata) => {
    forget();
    addConstraint(metadata);
  };
}
