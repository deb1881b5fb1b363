/**
 * Names for the gateway's DTOs. Every type here is taken from the generated `schema.d.ts`
 * (`nx run console-web:api-client`); none is written by hand.
 */
import type { components, paths } from './schema';

type Schemas = components['schemas'];

export type User = Schemas['UserDto'];
export type UserRole = User['roles'][number];
export type Profile = Schemas['ProfileDto'];
export type UpdateUser = Schemas['UpdateUserDto'];
export type UserPage = Schemas['UserPageDto'];
export type Session = Schemas['SessionDto'];
export type ServiceStatus = Schemas['ServiceStatusDto'];
export type Instance = Schemas['InstanceDto'];
export type InstanceStatus = Instance['status'];
export type CircuitState = ServiceStatus['circuit'];
export type ConsoleSession = Schemas['ConsoleSessionDto'];
export type ChangePassword = Schemas['ChangePasswordDto'];
export type Register = Schemas['RegisterDto'];
export type ErrorResponse = Schemas['ErrorResponseDto'];
export type Readiness = paths['/health/ready']['get']['responses'][200]['content']['application/json'];

/** Every role a user can have, in display order (from the schema's enum). */
export const USER_ROLES = ['user', 'admin'] as const satisfies readonly UserRole[];
