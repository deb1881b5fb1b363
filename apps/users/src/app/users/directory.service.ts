import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type ListUsersQueryDto, type Page, type UserDto, USERS_PAGE_DEFAULT_LIMIT } from '@site11/contracts';
import { KeysetPage, LIVE } from '@site11/persistence';
import { type FilterQuery, Model } from 'mongoose';
import { isSearchCursor } from './search-index/search-entries';
import { SearchIndexService } from './search-index/search-index.service';
import { User } from './user.schema';
import { type StoredUser, toUserDto } from './user.mapper';
import { InvalidSearchCursorError } from './users.errors';

/**
 * Listing and searching accounts (admins), one page at a time: `q` searches from the search index
 * when it is ready (no database query), everything else keyset-paginated from the database.
 */
@Injectable()
export class DirectoryService {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly searchIndex: SearchIndexService,
  ) {}

  async list(query: ListUsersQueryDto): Promise<Page<UserDto>> {
    if (query.q) {
      const searched = await this.searchIndex.search(query.q, query.cursor, query.limit ?? USERS_PAGE_DEFAULT_LIMIT);
      if (searched) return searched;
    }
    // a search cursor only pages the search index; the database's cursors are ids
    if (query.cursor !== undefined && isSearchCursor(query.cursor)) throw new InvalidSearchCursorError();
    const page = new KeysetPage(query, USERS_PAGE_DEFAULT_LIMIT);
    const conditions: FilterQuery<User>[] = [LIVE, page.filter];
    if (query.q) {
      // A prefix as a range: what an anchored regex becomes in MongoDB's index scan, and what
      // FerretDB (no regex pushdown) evaluates about twice as fast as the regex.
      const prefix = query.q.toLowerCase();
      const range = { $gte: prefix, $lt: `${prefix}\uffff` };
      conditions.push({ $or: [{ email: range }, { nameLower: range }] });
    }
    const used = conditions.filter((condition) => Object.keys(condition).length > 0);
    // one condition stays a plain filter: FerretDB pushes it down to SQL, an $and it does not
    const filter = used.length === 1 ? used[0] : { $and: used };
    const found = await this.users.find(filter).sort({ _id: 1 }).limit(page.fetch).lean<StoredUser[]>().exec();
    return page.page(found, toUserDto);
  }
}
