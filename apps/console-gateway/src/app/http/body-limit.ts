import { RouteConfig } from '@nestjs/platform-fastify';

/** Auth bodies are an email, a password, a name or a token: a few hundred bytes. */
export const AUTH_BODY_LIMIT_BYTES = 8 * 1024;

/** This route's largest accepted body (bytes); larger ones get 413 before they are parsed. */
export const BodyLimit = (bytes: number) => RouteConfig({ bodyLimit: bytes });
