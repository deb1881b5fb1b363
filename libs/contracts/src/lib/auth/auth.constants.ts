/** Names the platform's authentication agrees on: token types and route markers. */

/** `typ` of access tokens (RFC 9068): a JWT of any other type (an ID token, say) is not one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/**
 * `typ` of service tokens: minted by the authority for one app to call another as itself,
 * addressed (`aud`) to the receiving service, short-lived. Never accepted as an access token.
 */
export const SERVICE_TOKEN_TYPE = 'svc+jwt';

/** Public metadata key marking a route that needs no token (used by health, docs, login). */
export const PUBLIC_ROUTE = 'site11:public-route';

/**
 * OpenAPI extension on an operation that needs no token: the gateway's document turns it into
 * `security: []`, so the document and the guard agree (every other route needs the bearer token).
 */
export const PUBLIC_OPERATION = 'x-public';
