import { ApiProperty } from '@nestjs/swagger';
import {
  ApplicationDto,
  ApplicationsPatterns,
  DatasetDto,
  DatasetsPatterns,
  GrantDto,
  type GrantListDto,
  ImageDto,
  ImagesPatterns,
  OAuthPatterns,
  type Page,
  PAGE_MAX_LIMIT,
  SessionDto,
  type SessionListDto,
  UserDto,
  UsersPatterns,
} from '@site11/contracts';
import { type CallOptions, RpcClient } from '@site11/messaging';

/** Everything the platform keeps about the caller, as `GET /auth/me/export` answers it. */
export class AccountExportDto {
  @ApiProperty({ format: 'date-time' })
  exportedAt!: string;

  @ApiProperty({ type: () => UserDto, description: 'The account' })
  profile!: UserDto;

  @ApiProperty({ type: () => [SessionDto], description: 'Open sessions' })
  sessions!: SessionDto[];

  @ApiProperty({ type: () => [ApplicationDto], description: 'Applications I registered (never a client secret)' })
  applications!: ApplicationDto[];

  @ApiProperty({ type: () => [GrantDto], description: 'Applications I authorized, with their scopes' })
  grants!: GrantDto[];

  @ApiProperty({ type: () => [DatasetDto], description: 'My datasets’ metadata (the records: each dataset’s own export)' })
  datasets!: DatasetDto[];

  @ApiProperty({ type: () => [ImageDto], description: 'My images’ metadata (the files: their download routes)' })
  images!: ImageDto[];
}

/** Every page of one of the caller's lists. */
async function everyPage<T>(fetch: (cursor?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/**
 * Builds the export from the services that own each part, in parallel and as the caller (each
 * service applies its own ownership rules: only the caller's own items come back).
 */
export async function exportAccount(rpc: RpcClient, user: { sub: string; sid: string }, call: CallOptions): Promise<AccountExportDto> {
  const mine = (cursor?: string) => ({ limit: PAGE_MAX_LIMIT, ...(cursor ? { cursor } : {}) });
  const [profile, sessions, grants, applications, datasets, images] = await Promise.all([
    rpc.send<UserDto>(UsersPatterns.findById, { id: user.sub }, call),
    rpc.send<SessionListDto>(OAuthPatterns.listSessions, { sid: user.sid }, call),
    rpc.send<GrantListDto>(OAuthPatterns.listGrants, {}, call),
    everyPage((cursor) => rpc.send<Page<ApplicationDto>>(ApplicationsPatterns.list, mine(cursor), call)),
    everyPage((cursor) => rpc.send<Page<DatasetDto>>(DatasetsPatterns.list, mine(cursor), call)),
    everyPage((cursor) => rpc.send<Page<ImageDto>>(ImagesPatterns.list, mine(cursor), call)),
  ]);
  return { exportedAt: new Date().toISOString(), profile, sessions: sessions.items, applications, grants: grants.items, datasets, images };
}
