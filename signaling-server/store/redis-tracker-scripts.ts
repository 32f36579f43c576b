/**
 * The Lua scripts behind RedisTrackerStore's writes. Each runs atomically in Redis, so two
 * tracker processes can never both claim a name or interleave half an announce. Every write also
 * bumps `seq` and appends one entry to the `changes` stream in the same script: the stream's order
 * is the order the writes happened in, which is what each process's search replica replays.
 *
 * Keys under the prefix P (ARGV[1]):
 *   P..'peers'            hash  peer id -> {"peer": PeerRecord, "nameKey": ...} (JSON)
 *   P..'names'            hash  nameKey -> peer id (uniqueness of online names)
 *   P..'node:'..nodeId    set   ids of the peers whose sockets that tracker process holds
 *   P..'files:'..peerId   hash  content id -> "<at> <FileAnnouncement JSON>"; `at` is the seq
 *                               of the first announce, so a snapshot can rebuild holder order
 *   P..'holders:'..cid    set   ids of the peers holding the content id
 *   P..'content-count'    int   distinct content ids with a holder
 *   P..'seq', P..'changes'      change counter and stream (entries: seq, kind, peer, ...)
 */
import { CHANGE_STREAM_MAX_ENTRIES } from '../config';
import { RedisScript } from './redis-script';

/** Appends the change entry; `...` are extra field/value pairs. Defined inside each script. */
const APPEND_CHANGE = `
local function appendChange(P, kind, peer, ...)
  local seq = redis.call('INCR', P..'seq')
  redis.call('XADD', P..'changes', 'MAXLEN', '~', ${CHANGE_STREAM_MAX_ENTRIES}, '*', 'seq', seq, 'kind', kind, 'peer', peer, ...)
  return seq
end
`;

/** The JSON part of a files: hash value ("<at> <json>"). */
const LISTING_JSON = `
local function listingJson(value)
  return string.sub(value, string.find(value, ' ', 1, true) + 1)
end
`;

/** ARGV: P, peer id, nameKey, envelope JSON, node id, display name. Reply: {'ok', seq} or {code}. */
export const ADD_PEER = new RedisScript(`${APPEND_CHANGE}
local P, id, nameKey = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HEXISTS', P..'names', nameKey) == 1 then return {'NAME_TAKEN'} end
if redis.call('HEXISTS', P..'peers', id) == 1 then return {'BAD_REQUEST'} end
redis.call('HSET', P..'peers', id, ARGV[4])
redis.call('HSET', P..'names', nameKey, id)
redis.call('SADD', P..'node:'..ARGV[5], id)
return {'ok', appendChange(P, 'joined', id, 'name', ARGV[6])}
`);

/**
 * ARGV: P, peer id. Reply: nil when the peer is not online, else {envelope JSON, file count, seq,
 * {the search text (searchTextOf) of every listing of its content ids, by any holder, read before they go}}.
 */
export const REMOVE_PEER = new RedisScript(`${APPEND_CHANGE}${LISTING_JSON}
local P, id = ARGV[1], ARGV[2]
local envelope = redis.call('HGET', P..'peers', id)
if not envelope then return false end
local decoded = cjson.decode(envelope)
local filesKey = P..'files:'..id
local contentIds = redis.call('HKEYS', filesKey)
local seen, names = {}, {}
for _, cid in ipairs(contentIds) do
  for _, holder in ipairs(redis.call('SMEMBERS', P..'holders:'..cid)) do
    local value = redis.call('HGET', P..'files:'..holder, cid)
    if value then
      -- What search matches (searchTextOf): the name, and a folder's inner names after it.
      local listing = cjson.decode(listingJson(value))
      local name = listing.name
      if type(listing.folder) == 'table' and type(listing.folder.innerNames) == 'table' and #listing.folder.innerNames > 0 then
        name = name .. '\\n' .. table.concat(listing.folder.innerNames, '\\n')
      end
      if not seen[name] then seen[name] = true; names[#names + 1] = name end
    end
  end
end
for _, cid in ipairs(contentIds) do
  redis.call('SREM', P..'holders:'..cid, id)
  if redis.call('SCARD', P..'holders:'..cid) == 0 then redis.call('DECR', P..'content-count') end
end
redis.call('DEL', filesKey)
redis.call('HDEL', P..'peers', id)
redis.call('HDEL', P..'names', decoded.nameKey)
redis.call('SREM', P..'node:'..decoded.peer.nodeId, id)
return {envelope, #contentIds, appendChange(P, 'left', id), names}
`);

/**
 * ARGV: P, peer id, max files per peer, files JSON (for the stream), then content id / file JSON
 * pairs. Reply: {'ok', seq}, {'PEER_NOT_FOUND'} or {'QUOTA_EXCEEDED', files held}.
 */
export const ANNOUNCE = new RedisScript(`${APPEND_CHANGE}
local P, id = ARGV[1], ARGV[2]
if redis.call('HEXISTS', P..'peers', id) == 0 then return {'PEER_NOT_FOUND'} end
local filesKey = P..'files:'..id
local held = redis.call('HLEN', filesKey)
local isCounted, newCount = {}, 0
for i = 5, #ARGV, 2 do
  local cid = ARGV[i]
  if not isCounted[cid] and redis.call('HEXISTS', filesKey, cid) == 0 then
    isCounted[cid] = true
    newCount = newCount + 1
  end
end
if held + newCount > tonumber(ARGV[3]) then return {'QUOTA_EXCEEDED', held} end
local seq = appendChange(P, 'announce', id, 'files', ARGV[4])
for i = 5, #ARGV, 2 do
  local cid = ARGV[i]
  local previous = redis.call('HGET', filesKey, cid)
  -- A re-announce keeps its place among the holders, as in the embedded store.
  local at = previous and string.sub(previous, 1, string.find(previous, ' ', 1, true) - 1) or tostring(seq)
  redis.call('HSET', filesKey, cid, at..' '..ARGV[i + 1])
  if redis.call('SADD', P..'holders:'..cid, id) == 1 and redis.call('SCARD', P..'holders:'..cid) == 1 then
    redis.call('INCR', P..'content-count')
  end
end
return {'ok', seq}
`);

/** ARGV: P, peer id, content ids... Reply: {'ok', withdrawn count, seq (0 when none)} or {'PEER_NOT_FOUND'}. */
export const WITHDRAW = new RedisScript(`${APPEND_CHANGE}
local P, id = ARGV[1], ARGV[2]
if redis.call('HEXISTS', P..'peers', id) == 0 then return {'PEER_NOT_FOUND'} end
local filesKey = P..'files:'..id
local withdrawn = {}
for i = 3, #ARGV do
  local cid = ARGV[i]
  if redis.call('HDEL', filesKey, cid) == 1 then
    withdrawn[#withdrawn + 1] = cid
    redis.call('SREM', P..'holders:'..cid, id)
    if redis.call('SCARD', P..'holders:'..cid) == 0 then redis.call('DECR', P..'content-count') end
  end
end
if #withdrawn == 0 then return {'ok', 0, 0} end
return {'ok', #withdrawn, appendChange(P, 'withdraw', id, 'ids', cjson.encode(withdrawn))}
`);

/** ARGV: P. Reply: {envelope JSON, file count, envelope JSON, file count, ...} for every online peer. */
export const LIST_PEERS = new RedisScript(`
local P = ARGV[1]
local reply = {}
local peers = redis.call('HGETALL', P..'peers')
for i = 1, #peers, 2 do
  reply[#reply + 1] = peers[i + 1]
  reply[#reply + 1] = redis.call('HLEN', P..'files:'..peers[i])
end
return reply
`);
