/**
 * Lua scripts of the users' search index. Every key they touch carries the hash tag `{users}`,
 * so each script runs on one Redis Cluster slot. Keys, in this order, unless a script says
 * otherwise: 1 terms (sorted set), 2 docs (hash), 3 the rebuild lease, 4 the rebuild's terms,
 * 5 the rebuild's docs, 6 the ready marker.
 *
 * A write applies to the live keys and, while a rebuild holds its lease, to the rebuild's keys
 * too, in the same script: the rebuild's copy never misses a write made after it began, and what
 * it read from the database before that write cannot replace it (versions and tombstones below).
 */

/** Decoding a doc, replacing a user's members and doc, or leaving a tombstone: shared by the writes. */
const COMMON = `
local function decode(raw)
  if not raw then return nil end
  local ok, doc = pcall(cjson.decode, raw)
  if ok and type(doc) == 'table' then return doc end
  return nil
end
local function unlink(terms, old, id)
  if old and type(old.t) == 'table' then
    for _, term in ipairs(old.t) do redis.call('ZREM', terms, term .. '\\0' .. id) end
  end
end
-- 0 refused: the user was deleted, or the stored copy is newer
local function put(terms, docs, id, version, doc, first, last)
  local old = decode(redis.call('HGET', docs, id))
  if old and (old.gone or (tonumber(old.v) or 0) > version) then return 0 end
  unlink(terms, old, id)
  for i = first, last do redis.call('ZADD', terms, 0, ARGV[i] .. '\\0' .. id) end
  redis.call('HSET', docs, id, doc)
  return 1
end
local function bury(terms, docs, id, tombstone)
  unlink(terms, decode(redis.call('HGET', docs, id)), id)
  redis.call('HSET', docs, id, tombstone)
end
`;

/**
 * Adds or replaces one user. ARGV: id, version (updatedAt ms), doc JSON, its terms. A user deleted
 * in the live index stays deleted in the rebuild's copy too. Returns 1, or 0 when refused.
 */
export const UPSERT_SCRIPT = `${COMMON}
local id, version, doc = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local live = decode(redis.call('HGET', KEYS[2], id))
if live and live.gone then return 0 end
local applied = put(KEYS[1], KEYS[2], id, version, doc, 4, #ARGV)
if redis.call('EXISTS', KEYS[3]) == 1 then put(KEYS[4], KEYS[5], id, version, doc, 4, #ARGV) end
return applied`;

/** Removes one user, leaving a tombstone. ARGV: id, tombstone JSON. */
export const REMOVE_SCRIPT = `${COMMON}
bury(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
if redis.call('EXISTS', KEYS[3]) == 1 then bury(KEYS[4], KEYS[5], ARGV[1], ARGV[2]) end
return 1`;

/**
 * One chunk of a prefix search, if the index is ready. KEYS: 1 ready marker, 2 terms, 3 docs.
 * ARGV: prefix, the member to start after ('' for the first), how many members. Returns false
 * when no index is ready, else member, doc, member, doc, … (doc '' when missing). Byte 255 never
 * occurs in UTF-8, so every member starting with the prefix sorts before prefix .. '\\255'.
 */
export const SEARCH_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local min = ARGV[2] == '' and ('[' .. ARGV[1]) or ('(' .. ARGV[2])
local members = redis.call('ZRANGEBYLEX', KEYS[2], min, '[' .. ARGV[1] .. '\\255', 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, member in ipairs(members) do
  out[#out + 1] = member
  out[#out + 1] = redis.call('HGET', KEYS[3], string.sub(member, -24)) or ''
end
return out`;

/**
 * Takes the rebuild lease and empties the rebuild's keys (what a crashed rebuild left). KEYS: 1
 * lease, 2 rebuild's terms, 3 rebuild's docs. ARGV: build id, lease ms. Returns 1, or 0 when
 * another instance holds the lease.
 */
export const BEGIN_REBUILD_SCRIPT = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
return 1`;

/** Extends the lease while its build holds it. KEYS: lease. ARGV: build id, lease ms. */
export const RENEW_LEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/**
 * Adds users read from the database to the rebuild's keys, under the version and tombstone
 * rules: a write made since the rebuild began is newer than what it read, and stays. KEYS: 1
 * lease, 2 rebuild's terms, 3 rebuild's docs. ARGV: build id, then per user id, version, doc,
 * number of terms, terms. Returns the users added, or -1 when the lease is no longer this build's.
 */
export const REBUILD_BATCH_SCRIPT = `${COMMON}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local added, i = 0, 2
while i <= #ARGV do
  local count = tonumber(ARGV[i + 3])
  added = added + put(KEYS[2], KEYS[3], ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2], i + 4, i + 3 + count)
  i = i + 4 + count
end
return added`;

/**
 * Puts the rebuilt index in place of the live one in one step, marks it ready (with Redis' time)
 * and gives the lease back. KEYS: the six, in the order of this file. ARGV: build id. Returns 1,
 * or 0 when the lease is no longer this build's (nothing changes then).
 */
export const FINISH_REBUILD_SCRIPT = `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
for _, pair in ipairs({ { KEYS[4], KEYS[1] }, { KEYS[5], KEYS[2] } }) do
  if redis.call('EXISTS', pair[1]) == 1 then redis.call('RENAME', pair[1], pair[2]) else redis.call('DEL', pair[2]) end
end
local t = redis.call('TIME')
redis.call('SET', KEYS[6], tostring(tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)))
redis.call('DEL', KEYS[3])
return 1`;

/** Gives up a rebuild: its keys and its lease, if it still holds it. KEYS: lease, rebuild's terms, rebuild's docs. ARGV: build id. */
export const ABORT_REBUILD_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1`;
