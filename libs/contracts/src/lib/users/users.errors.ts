/** Error codes of the users service (`<SERVICE>.<REASON>`). */
export const UsersErrors = {
  notFound: 'USERS.NOT_FOUND',
  emailTaken: 'USERS.EMAIL_TAKEN',
  /** A search cursor came while the search index was being rebuilt: start the search again. */
  searchUnavailable: 'USERS.SEARCH_UNAVAILABLE',
} as const;

