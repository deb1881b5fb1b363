/** Error codes of the users service (`<SERVICE>.<REASON>`). */
export const UsersErrors = {
  notFound: 'USERS.NOT_FOUND',
  emailTaken: 'USERS.EMAIL_TAKEN',
} as const;

