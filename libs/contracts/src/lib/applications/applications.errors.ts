/** Error codes of applications in the applications service (`<SERVICE>.<REASON>`). */
export const ApplicationsErrors = {
  notFound: 'APPLICATIONS.APPLICATION_NOT_FOUND',
} as const;
