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
  /** The dataset changed meanwhile (an import, transformation, rollback, schema or row edit committed first) (409; a job's failure code). */
  busy: 'DATA.BUSY',
  /** The caller has DATA_MAX_IMPORTS_PER_USER imports queued or running (429). */
  tooManyImports: 'DATA.TOO_MANY_IMPORTS',
  /** The dataset (or the file) has no rows to work on (422; a job's failure code). */
  noRows: 'DATA.NO_ROWS',
  // failure codes of import jobs (`failure.code`), never HTTP answers
  /** The file stops parsing at some line (a job's failure code). */
  malformedFile: 'DATA.MALFORMED_FILE',
  /** A strict import met invalid rows (a job's failure code). */
  invalidRows: 'DATA.INVALID_ROWS',
  /** No row of a skip-invalid import is valid (a job's failure code). */
  noValidRows: 'DATA.NO_VALID_ROWS',
  /** More rows than DATA_MAX_ROWS (a job's failure code). */
  tooManyRows: 'DATA.TOO_MANY_ROWS',
  /** The instance running the job stopped (a job's failure code). */
  interrupted: 'DATA.INTERRUPTED',
  /** The job stopped on an unexpected error (a job's failure code). */
  importError: 'DATA.IMPORT_ERROR',
} as const;
