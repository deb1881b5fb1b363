import {
  ApplicationsEvents,
  DatasetsEvents,
  type Dimension,
  DIMENSIONS,
  EVENT_NAMES,
  ImagesEvents,
  OAuthEvents,
  UsersEvents,
} from '@site11/contracts';

/** What one counted event contributes to a metric: its count, or its value (`x`), added or taken away. */
export interface MetricTerm {
  event: string;
  value: 'count' | 'x';
  sign: 1 | -1;
}

export interface MetricDefinition {
  name: string;
  /** A counter sums what happened in each slot; a gauge is the running total of its terms at each slot's end. */
  kind: 'counter' | 'gauge';
  unit: 'count' | 'bytes' | 'rows';
  description: string;
  terms: MetricTerm[];
}

/**
 * The one number an event carries besides being counted (`x`), by event: bytes stored, rows
 * imported. Events of generated services carry none until they are entered here.
 */
export const EVENT_VALUES: Record<string, { field: string; unit: 'bytes' | 'rows'; label: string }> = {
  [ImagesEvents.uploaded]: { field: 'storedBytes', unit: 'bytes', label: 'bytes stored by uploads' },
  [ImagesEvents.deleted]: { field: 'storedBytes', unit: 'bytes', label: 'bytes freed by deletions' },
  [DatasetsEvents.importCompleted]: { field: 'rowsImported', unit: 'rows', label: 'rows imported' },
  [DatasetsEvents.transformApplied]: { field: 'rowsOut', unit: 'rows', label: 'rows written by transformations' },
};

const DESCRIPTIONS: Record<string, string> = {
  [UsersEvents.created]: 'Accounts registered (or created by an admin)',
  [UsersEvents.deleted]: 'Accounts deleted',
  [UsersEvents.rolesChanged]: 'Role changes of accounts',
  [OAuthEvents.loginSucceeded]: 'Successful sign-ins (console and authorization page)',
  [OAuthEvents.loginFailed]: 'Sign-ins refused for wrong credentials',
  [OAuthEvents.grantCreated]: 'Consents given to third-party applications',
  [OAuthEvents.grantRevoked]: 'Consents ended',
  [ApplicationsEvents.created]: 'Applications registered',
  [ApplicationsEvents.deleted]: 'Applications deleted',
  [ApplicationsEvents.configPublished]: 'Configuration versions published',
  [ImagesEvents.uploaded]: 'Images uploaded',
  [ImagesEvents.deleted]: 'Images deleted',
  [DatasetsEvents.importCompleted]: 'Data imports that committed',
  [DatasetsEvents.importFailed]: 'Data imports that failed',
};

const GAUGES: MetricDefinition[] = [
  {
    name: 'users.total',
    kind: 'gauge',
    unit: 'count',
    description: 'Accounts that exist: registered minus deleted',
    terms: [
      { event: UsersEvents.created, value: 'count', sign: 1 },
      { event: UsersEvents.deleted, value: 'count', sign: -1 },
    ],
  },
  {
    name: 'applications.total',
    kind: 'gauge',
    unit: 'count',
    description: 'Applications that exist: registered minus deleted',
    terms: [
      { event: ApplicationsEvents.created, value: 'count', sign: 1 },
      { event: ApplicationsEvents.deleted, value: 'count', sign: -1 },
    ],
  },
  {
    name: 'images.storage.bytes',
    kind: 'gauge',
    unit: 'bytes',
    description: 'Bytes of image storage in use: stored by uploads minus freed by deletions',
    terms: [
      { event: ImagesEvents.uploaded, value: 'x', sign: 1 },
      { event: ImagesEvents.deleted, value: 'x', sign: -1 },
    ],
  },
  {
    name: 'data.datasets.total',
    kind: 'gauge',
    unit: 'count',
    description: 'Datasets that exist: created minus deleted',
    terms: [
      { event: DatasetsEvents.created, value: 'count', sign: 1 },
      { event: DatasetsEvents.deleted, value: 'count', sign: -1 },
    ],
  },
];

/** Metrics over several events, named after what the events share: grouped by `outcome` they split. */
const FAMILIES: MetricDefinition[] = [
  {
    name: 'oauth.login',
    kind: 'counter',
    unit: 'count',
    description: 'Sign-ins, successful or refused (group by outcome)',
    terms: [
      { event: OAuthEvents.loginSucceeded, value: 'count', sign: 1 },
      { event: OAuthEvents.loginFailed, value: 'count', sign: 1 },
    ],
  },
  {
    name: 'data.import',
    kind: 'counter',
    unit: 'count',
    description: 'Data imports that ended, committed or failed (group by outcome)',
    terms: [
      { event: DatasetsEvents.importCompleted, value: 'count', sign: 1 },
      { event: DatasetsEvents.importFailed, value: 'count', sign: 1 },
    ],
  },
];

/**
 * Every metric: one counter per event of the catalog (`users.created`), so a generated service's
 * events are counted the day its events join EVENT_NAMES; one per carried value
 * (`images.image.uploaded.bytes`); families; gauges.
 */
export function buildMetricCatalog(events: readonly string[] = EVENT_NAMES): Map<string, MetricDefinition> {
  const metrics = new Map<string, MetricDefinition>();
  for (const event of events) {
    metrics.set(event, {
      name: event,
      kind: 'counter',
      unit: 'count',
      description: DESCRIPTIONS[event] ?? `\`${event}\` events`,
      terms: [{ event, value: 'count', sign: 1 }],
    });
    const value = EVENT_VALUES[event];
    if (value) {
      const name = `${event}.${value.unit}`;
      metrics.set(name, { name, kind: 'counter', unit: value.unit, description: `Sum of ${value.label}`, terms: [{ event, value: 'x', sign: 1 }] });
    }
  }
  for (const metric of [...FAMILIES, ...GAUGES]) {
    if (metric.terms.every((term) => events.includes(term.event))) metrics.set(metric.name, metric);
  }
  return metrics;
}

export const METRICS = buildMetricCatalog();
export const METRIC_DIMENSIONS: Dimension[] = [...DIMENSIONS];

/** What statistics keeps of one event: who, what, when, and its value. */
export interface CountedEvent {
  /** The event's id (from its outbox), else its stream entry: the same on every redelivery. */
  id: string;
  event: string;
  at: Date;
  owner: string | null;
  outcome: 'success' | 'failure' | null;
  x: number;
}

const OWNER_FIELDS = ['ownerId', 'userId'] as const;

/** The user an event is about, where that is meaningful: its owner, or the account of a `users.*` event. */
export function ownerOf(event: string, data: Record<string, unknown>): string | null {
  for (const field of OWNER_FIELDS) {
    const value = data[field];
    if (typeof value === 'string' && value.length > 0 && value.length <= 64) return value;
  }
  if (event.startsWith('users.') && typeof data['id'] === 'string') return data['id'];
  if (event === ApplicationsEvents.configPublished && typeof data['author'] === 'string') return data['author'];
  return null;
}

/** `failed` → failure; `succeeded` and `completed` → success; other events have no outcome. */
export function outcomeOf(event: string): 'success' | 'failure' | null {
  if (event.endsWith('.failed')) return 'failure';
  if (event.endsWith('.succeeded') || event.endsWith('.completed')) return 'success';
  return null;
}

export function valueOf(event: string, data: Record<string, unknown>): number {
  const declared = EVENT_VALUES[event];
  const value = declared ? data[declared.field] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export const serviceOfEvent = (event: string) => event.slice(0, event.indexOf('.'));
