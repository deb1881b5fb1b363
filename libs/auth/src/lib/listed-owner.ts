import { type Actor, isAdmin } from '@site11/contracts';
import { forbidden } from './auth.errors';

/** `?scope=` and `?ownerId=` of a list of owned things (every service's house rule). */
export interface OwnerScope {
  scope?: 'mine' | 'all';
  ownerId?: string;
}

/**
 * Whose items a list shows: the caller's own by default; anyone's (`scope=all`, undefined) or one
 * user's (`ownerId`) only to an admin, 403 AUTH.FORBIDDEN for anyone else. `things` names them in
 * the refusal ("applications").
 */
export function listedOwner({ scope, ownerId }: OwnerScope, actor: Actor, things: string): string | undefined {
  if (scope !== 'all' && ownerId === undefined) return actor.sub;
  if (!isAdmin(actor)) throw forbidden(`Only an admin can list other users’ ${things}`);
  return ownerId;
}
