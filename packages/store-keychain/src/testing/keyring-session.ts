// Test support, exported as @tokensmith/store-keychain/testing so other workspaces' tests can use it.
// Starts a private D-Bus session bus and Debian's gnome-keyring-daemon on it (Secret Service only,
// its login keyring created and unlocked with a throw-away password fed on stdin), and stops both.
// Nothing touches the user's own session or keyring. A missing binary is a test FAILURE naming the
// fix, never a skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A running private keyring: the environment that reaches it, and how to stop it.
 *
 * @example
 * ```ts
 * const keyring = await startKeyringSession();
 * Object.assign(process.env, keyring.env);
 * await keyring.stop();
 * ```
 */
export interface KeyringSession {
  /** `DBUS_SESSION_BUS_ADDRESS` (and the keyring's HOME and runtime dir) for this session. */
  env: { DBUS_SESSION_BUS_ADDRESS: string; XDG_RUNTIME_DIR: string };
  /** The bus address alone. */
  address: string;
  /** Runs `secret-tool` (libsecret-tools) against this keyring; resolves its stdout. */
  secretTool(args: string[]): Promise<string>;
  /** How many items carry these attributes, unlocked and locked (without unlocking anything). */
  searchItems(attributes: Record<string, string>): Promise<{ unlocked: number; locked: number }>;
  /** Locks the login keyring, as a screen lock or a timeout would (the next access needs an unlock prompt). */
  lock(): Promise<void>;
  /** Stops the Secret Service daemon (SIGSTOP) on its live bus: the bus answers, the service never does. */
  suspend(): void;
  /** Lets a suspended daemon run again (SIGCONT). */
  resume(): void;
  stop(): Promise<void>;
}

const MISSING = (what: string) =>
  `${what} is not installed, and the keychain store tests need a real Secret Service. ` +
  'Install it with `bash scripts/setup-test-deps.sh` (Debian: `apt-get install gnome-keyring dbus libsecret-tools`).';

function find(binary: string): string {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin', '/bin']) {
    if (dir && existsSync(join(dir, binary))) return join(dir, binary);
  }
  throw new Error(MISSING(binary));
}

function run(binary: string, args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${binary} ${args.join(' ')} exited ${code}: ${stderr.slice(-1_000)}`)),
    );
    // A command that does not read stdin (secret-tool search, gdbus) may exit before it is
    // written: the EPIPE says nothing its exit code does not, so it must not fail the run.
    child.stdin.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(stdin ?? '');
  });
}

/** Calls one method of the Secret Service (`org.freedesktop.Secret.Service.<method>`) through gdbus; resolves its reply. */
function callSecretService(gdbus: string, env: NodeJS.ProcessEnv, method: string, arg: string): Promise<string> {
  const service = ['--dest', 'org.freedesktop.secrets', '--object-path', '/org/freedesktop/secrets'];
  return run(gdbus, ['call', '--session', ...service, '--method', `org.freedesktop.Secret.Service.${method}`, arg], env);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A session bus that starts no service by itself (no servicedir), for startKeyringSession. */
const BUS_CONFIG = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

/**
 * Starts `dbus-daemon --session` on a private socket, then `gnome-keyring-daemon --foreground
 * --unlock --components=secrets` on it with a random password on stdin, and waits (bounded: 15 s)
 * until the Secret Service answers.
 *
 * @example
 * ```ts
 * let keyring: KeyringSession;
 * beforeAll(async () => { keyring = await startKeyringSession(); process.env.DBUS_SESSION_BUS_ADDRESS = keyring.address; });
 * afterAll(() => keyring.stop());
 * ```
 */
export async function startKeyringSession(): Promise<KeyringSession> {
  const dbusDaemon = find('dbus-daemon');
  const keyringDaemon = find('gnome-keyring-daemon');
  find('secret-tool');
  const gdbus = find('gdbus');
  const home = await mkdtemp(join(tmpdir(), 'tokensmith-keyring-'));
  const address = `unix:path=${join(home, 'bus')}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_RUNTIME_DIR: home,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    DBUS_SESSION_BUS_ADDRESS: address,
  };
  const children: ChildProcess[] = [];
  let daemon: ChildProcess | undefined;
  const stop = async () => {
    daemon?.kill('SIGCONT');
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(home, { recursive: true, force: true });
  };
  try {
    // No D-Bus activation: the readiness check below names org.freedesktop.secrets, and a session
    // bus activates it from /usr/share/dbus-1/services (always among its standard service dirs)
    // when ours is slow to claim the name (a loaded machine): a second, locked gnome-keyring-daemon
    // takes it, ours exits with "another secret service is running", and the collection never
    // unlocks. This bus has a config of its own, with no service directory at all.
    const busConfig = join(home, 'bus.conf');
    await writeFile(busConfig, BUS_CONFIG);
    const bus = spawn(dbusDaemon, [`--config-file=${busConfig}`, '--nofork', '--nopidfile', `--address=${address}`, '--print-address=1'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(bus);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('dbus-daemon did not print its address within 10 s')), 10_000);
      bus.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      bus.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`dbus-daemon exited early (${code})`));
      });
      bus.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const keyring = spawn(keyringDaemon, ['--foreground', '--unlock', '--components=secrets'], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    children.push(keyring);
    daemon = keyring;
    let keyringLog = '';
    keyring.stderr?.on('data', (c: Buffer) => {
      keyringLog += c.toString();
    });
    // The password ends at end-of-input; it only protects this throw-away keyring.
    keyring.stdin?.end(`tokensmith-test-${process.pid}-${Date.now()}`);
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (keyring.exitCode !== null) throw new Error(`gnome-keyring-daemon exited (${keyring.exitCode}): ${keyringLog.slice(-1_000)}`);
      // Answers once the daemon owns the name and its login collection exists (the default alias).
      const ready = await callSecretService(gdbus, env, 'ReadAlias', 'default')
        .then((out) => out.includes('/collection/'))
        .catch(() => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`gnome-keyring-daemon did not answer within 15 s: ${keyringLog.slice(-1_000)}`);
      await pause(50);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ...keyringTools(address),
    env: { DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: home },
    address,
    suspend: () => daemon?.kill('SIGSTOP'),
    resume: () => daemon?.kill('SIGCONT'),
    stop,
  };
}

/**
 * The test tools of a keyring already running at `address` (e.g. started by a jest global setup).
 *
 * @example
 * ```ts
 * const keyring = keyringTools(process.env.DBUS_SESSION_BUS_ADDRESS as string);
 * await keyring.secretTool(['search', 'service', 'tokensmith']);
 * ```
 */
export function keyringTools(address: string): Pick<KeyringSession, 'secretTool' | 'searchItems' | 'lock'> {
  const secretTool = find('secret-tool');
  const gdbus = find('gdbus');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', DBUS_SESSION_BUS_ADDRESS: address };
  return {
    secretTool: (args) => run(secretTool, args, env),
    async searchItems(attributes) {
      const dict = `{${Object.entries(attributes)
        .map(([k, v]) => `'${k}': '${v}'`)
        .join(', ')}}`;
      const out = await callSecretService(gdbus, env, 'SearchItems', dict);
      // ([unlocked paths], [locked paths]), or `@ao []` for an empty list.
      const lists = /^\((@ao )?\[(.*?)\], (@ao )?\[(.*?)\]\)/.exec(out.trim());
      const count = (list: string | undefined) => (list ? list.split(',').filter((p) => p.includes('/')).length : 0);
      return { unlocked: count(lists?.[2]), locked: count(lists?.[4]) };
    },
    async lock() {
      const alias = await callSecretService(gdbus, env, 'ReadAlias', 'default');
      const collection = /'(\/org\/freedesktop\/secrets\/collection\/[^']+)'/.exec(alias)?.[1];
      if (!collection) throw new Error(`no default keyring collection: ${alias}`);
      await callSecretService(gdbus, env, 'Lock', `['${collection}']`);
    },
  };
}
