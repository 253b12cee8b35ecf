// Test support, exported as @tokensmith/store-redis/testing so other workspaces' tests can use it.
// Starts a real, throw-away redis-server on a free 127.0.0.1 port for the tests, and stops it.
// No redis-server on the machine is a test FAILURE with the fix in the message, never a skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/**
 * A running test redis-server.
 *
 * @example
 * ```ts
 * const redis = await startRedisServer();
 * const store = new RedisStore(redis.url);
 * await redis.stop();
 * ```
 */
export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const MISSING =
  'redis-server is not installed, and the Redis store tests need a real one. ' +
  'Install it with `bash scripts/setup-test-deps.sh` (Debian: `sudo apt-get install redis-server`), ' +
  'or set REDIS_SERVER to its path.';

function findRedisServer(): string {
  const explicit = process.env.REDIS_SERVER;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`REDIS_SERVER=${explicit} does not exist. ${MISSING}`);
    return explicit;
  }
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server');
  }
  throw new Error(MISSING);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('could not pick a free port');
  return address.port;
}

/** One PING over a raw socket: resolves true on +PONG, false on any failure. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/**
 * Starts `redis-server --port N --bind 127.0.0.1 --save '' --appendonly no` on a free port and
 * waits until it answers PING (bounded: 10 s).
 *
 * @example
 * ```ts
 * let redis: RedisServer;
 * beforeAll(async () => { redis = await startRedisServer(); });
 * afterAll(() => redis.stop());
 * ```
 */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = findRedisServer();
  const port = await freePort();
  const child: ChildProcess = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let failure: Error | undefined;
  child.once('error', (error) => {
    failure = new Error(`cannot start ${binary}: ${error.message}. ${MISSING}`);
  });
  child.once('exit', (code, signal) => {
    failure ??= new Error(`redis-server exited early (${code ?? signal}):\n${output.slice(-2_000)}`);
  });

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (failure) throw failure;
    if (await ping(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on 127.0.0.1:${port} did not answer PING within 10 s:\n${output.slice(-2_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
