/** Error codes of the data service (`<SERVICE>.<REASON>`). */
export const DatasetsErrors = {
  notFound: 'DATA.DATASET_NOT_FOUND',
  jobNotFound: 'DATA.IMPORT_NOT_FOUND',
  rowNotFound: 'DATA.ROW_NOT_FOUND',
  versionNotFound: 'DATA.VERSION_NOT_FOUND',
  /** The upload is over DATA_MAX_UPLOAD_BYTES; refused while it streams in (413). */
  tooLarge: 'DATA.TOO_LARGE',
  /** Neither CSV, JSON (an array of objects) nor NDJSON, by its Content-Type or its first bytes (422). */
  unknownFormat: 'DATA.UNKNOWN_FORMAT',
  /** A CSV without a usable header row: empty, blank or repeated column names (422). */
  badHeader: 'DATA.BAD_HEADER',
  /** More columns than DATA_MAX_COLUMNS (422). */
  tooManyColumns: 'DATA.TOO_MANY_COLUMNS',
  /** The multipart body has no `file` part, or more than one (400). */
  badUpload: 'DATA.BAD_UPLOAD',
  /** A `filter` that does not parse, or names a field the schema does not have (400). */
  badFilter: 'DATA.BAD_FILTER',
  /** A `sort`, `fields`, `groupBy` or `metrics` naming an unknown field or metric (400). */
  badQuery: 'DATA.BAD_QUERY',
  /** A transformation step that is not valid for this dataset (unknown field, unsafe expression) (400). */
  badTransformation: 'DATA.BAD_TRANSFORMATION',
  /** A transformation over its time or size budget (422). */
  transformationBudget: 'DATA.TRANSFORMATION_BUDGET_EXCEEDED',
  /** A schema change that existing rows do not satisfy, or a change only a transformation can make (422). */
  schemaConflict: 'DATA.SCHEMA_CONFLICT',
  /** A row that does not satisfy the schema (row patch) (422). */
  invalidRow: 'DATA.INVALID_ROW',
  /** More groups than an aggregate may return (400). */
  tooManyGroups: 'DATA.TOO_MANY_GROUPS',
  /** The import or transformation is not finished, or the dataset has a job running that this would race (409). */
  busy: 'DATA.BUSY',
} as const;
