// The Lua scripts of the refresh lock: each checks the lock still holds our random token before it
// touches it, in one atomic step on the server (a GET then DEL from here could race another holder).

/** Deletes the lock only if it still holds our token (a lock that expired and was retaken is not ours). */
export const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Extends the lease only if the lock still holds our token. */
export const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
