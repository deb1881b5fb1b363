/** Error codes of datasets in the data service (`<SERVICE>.<REASON>`). */
export const DatasetsErrors = {
  notFound: 'DATA.DATASET_NOT_FOUND',
} as const;
