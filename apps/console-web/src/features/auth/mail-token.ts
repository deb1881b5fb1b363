import { ApiError } from '../../api/errors';

/**
 * The shape of the tokens of the mailed links (MAIL_TOKEN_PATTERN in libs/contracts): the
 * account's id, a dot, 256 random bits in base64url. A link cut short in a mail client is
 * recognised without asking the API.
 */
const MAIL_TOKEN = /^[a-f0-9]{24}\.[A-Za-z0-9_-]{43}$/;

export function isMailToken(token: string): boolean {
  return MAIL_TOKEN.test(token);
}

/** The API refused the link's token: its own code, or a VALIDATION of the `token` field. */
export function isRefusedMailToken(error: unknown, code: string): boolean {
  if (!(error instanceof ApiError) || error.status !== 400) return false;
  return error.code === code || (error.details?.some((issue) => issue.field === 'token') ?? false);
}
