import { type DynamicModule, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';

type Filter = Record<string, unknown>;

/** What the expiry needs of a collection: a mongoose `model.collection` or a driver collection. */
export interface ExpiringCollection {
  readonly collectionName: string;
  createIndex(keys: Record<string, 1>, options: { name: string; expireAfterSeconds: number }): Promise<string>;
  find(filter: Filter, options: { projection: { _id: 1 }; limit: number }): { toArray(): Promise<{ _id: unknown }[]> };
  deleteMany(filter: Filter): Promise<{ deletedCount: number }>;
}

export interface ExpiringField {
  /** The Date field at which a document expires, e.g. `expiresAt`. */
  field: string;
  /** How long a document is kept after that date (s); 0 by default. */
  afterSeconds?: number;
}

export interface SweepOptions {
  /** How often the sweeper runs where the server has no TTL index (ms); 60 s by default. */
  sweepMs?: number;
  /** Documents deleted per command, so a sweep never holds the server for long; 1000 by default. */
  batchSize?: number;
}

/** `ttl-index`: the server deletes expired documents itself. `sweeper`: this process does. */
export type ExpiryMode = 'ttl-index' | 'sweeper';

/** MongoDB's code for a command or option the server does not have (FerretDB 1.24 and `expireAfterSeconds`). */
const NOT_IMPLEMENTED = 238;

/**
 * Makes the documents of one collection expire at a Date field. At start it asks for a TTL index
 * on the field (MongoDB deletes expired documents within a minute); where the server refuses one,
 * as FerretDB 1.24 does, a timer deletes them instead. Sweeps of several replicas may overlap:
 * deleting what is already gone is harmless.
 */
export class CollectionExpiry {
  private readonly logger = new Logger('Expiry');
  private readonly field: string;
  private readonly afterSeconds: number;
  private readonly sweepMs: number;
  private readonly batchSize: number;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private chosen?: ExpiryMode;
  private refused?: string;

  constructor(
    private readonly collection: ExpiringCollection,
    expiry: ExpiringField,
    options: SweepOptions = {},
  ) {
    this.field = expiry.field;
    this.afterSeconds = expiry.afterSeconds ?? 0;
    this.sweepMs = options.sweepMs ?? 60_000;
    this.batchSize = options.batchSize ?? 1000;
  }

  get collectionName(): string {
    return this.collection.collectionName;
  }

  /** The mode chosen by `start`. */
  get mode(): ExpiryMode | undefined {
    return this.chosen;
  }

  /** Why the server did not create the TTL index, in its own words. */
  get refusal(): string | undefined {
    return this.refused;
  }

  /** True while the sweeper's timer runs. */
  get sweeping(): boolean {
    return this.timer !== undefined;
  }

  /** Creates the TTL index, or starts the sweeper if the server will not have it. */
  async start(): Promise<ExpiryMode> {
    const name = `${this.field}_expiry`;
    try {
      // Idempotent when the same index exists; a restart or another replica gets the same answer.
      await this.collection.createIndex({ [this.field]: 1 }, { name, expireAfterSeconds: this.afterSeconds });
      this.chosen = 'ttl-index';
      this.logger.log(`${this.collectionName}: documents expire ${this.afterSeconds} s after ${this.field}, by the TTL index ${name}`);
      return this.chosen;
    } catch (error) {
      // Anything else than a refusal (an index of other options under this name or key, the server
      // away) is worth a look; meanwhile the sweeper deletes expired documents all the same.
      this.refused = (error as Error).message;
      const refusal = (error as { code?: unknown }).code === NOT_IMPLEMENTED;
      const message = `${this.collectionName}: no TTL index on ${this.field} (${this.refused}); expired documents are deleted by a sweep every ${this.sweepMs} ms`;
      if (refusal) this.logger.log(message);
      else this.logger.warn(message);
    }
    this.chosen = 'sweeper';
    this.timer = setInterval(() => this.tick(), this.sweepMs);
    this.timer.unref();
    return this.chosen;
  }

  /** Stops the sweeper, after the sweep under way if any. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Deletes the documents expired by now; returns how many this call deleted. */
  async sweepNow(): Promise<number> {
    const expired = { [this.field]: { $lt: new Date(Date.now() - this.afterSeconds * 1000) } };
    let deleted = 0;
    for (;;) {
      const batch = await this.collection.find(expired, { projection: { _id: 1 }, limit: this.batchSize }).toArray();
      if (batch.length === 0) break;
      // The expiry is checked again: a document renewed since the find stays.
      const result = await this.collection.deleteMany({ _id: { $in: batch.map((document) => document._id) }, ...expired });
      deleted += result.deletedCount;
      // A short batch was the last; an empty delete means another replica is sweeping the same ones.
      if (batch.length < this.batchSize || result.deletedCount === 0) break;
    }
    return deleted;
  }

  /** One sweep at a time per process; a failure waits for the next tick. */
  private tick(): void {
    if (this.inFlight) return;
    this.inFlight = this.sweepNow()
      .then(
        (deleted) => {
          if (deleted > 0) this.logger.debug(`${this.collectionName}: deleted ${deleted} expired document(s)`);
        },
        (error: unknown) => this.logger.warn(`${this.collectionName}: sweep of expired documents failed, retried in ${this.sweepMs} ms: ${(error as Error).message}`),
      )
      .finally(() => {
        this.inFlight = undefined;
      });
  }
}

/** A model whose documents expire, by the name it was registered under with `MongooseModule.forFeature`. */
export interface ExpiringModel extends ExpiringField {
  name: string;
}

export interface ExpiryModuleOptions extends SweepOptions {
  /** The mongoose connection of the models, if not the default one. */
  connectionName?: string;
}

/** The expiry of the models given to `ExpiryModule.forFeature`, started with the application. */
export class DocumentExpiry implements OnApplicationBootstrap, OnModuleDestroy {
  private started: CollectionExpiry[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly models: ExpiringModel[],
    private readonly options: SweepOptions,
  ) {}

  get collections(): readonly CollectionExpiry[] {
    return this.started;
  }

  // Models are looked up here, not in the factory: by now every forFeature has registered its own.
  async onApplicationBootstrap(): Promise<void> {
    this.started = this.models.map(({ name, ...expiry }) => new CollectionExpiry(this.connection.model(name).collection, expiry, this.options));
    await Promise.all(this.started.map((collection) => collection.start()));
  }

  // Before the connection closes (on application shutdown), so no sweep runs on a closed one.
  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.started.map((collection) => collection.stop()));
  }

  /** Deletes what has expired in every collection now, whatever the mode; for tests. */
  async sweepNow(): Promise<number> {
    const deleted = await Promise.all(this.started.map((collection) => collection.sweepNow()));
    return deleted.reduce((sum, n) => sum + n, 0);
  }
}

/**
 * Expiring documents for a feature module, next to its `MongooseModule.forFeature`:
 * `ExpiryModule.forFeature([{ name: Session.name, field: 'expiresAt' }])`.
 */
@Module({})
export class ExpiryModule {
  static forFeature(models: ExpiringModel[], options: ExpiryModuleOptions = {}): DynamicModule {
    const { connectionName, ...sweep } = options;
    return {
      module: ExpiryModule,
      providers: [
        {
          provide: DocumentExpiry,
          inject: [getConnectionToken(connectionName)],
          useFactory: (connection: Connection) => new DocumentExpiry(connection, models, sweep),
        },
      ],
      exports: [DocumentExpiry],
    };
  }
}
