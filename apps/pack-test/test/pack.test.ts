// The packages as a user gets them: `npm pack` every public workspace, install the tarballs into
// temporary prefixes outside the repository (no workspace links; the @tokensmith packages are not
// on the registry, so they come from the tarballs and only third-party packages from the npm cache
// that `npm ci` filled, or the registry when the cache lacks a packument: --prefer-offline), then
// run, import, require and type-check them.
import { cpSync, mkdtempSync, mkdirSync, realpathSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { DEMO_CREDENTIALS, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { ROOT, cleanEnv, publicWorkspaces, run, runOk, specifier, type PublicWorkspace } from './workspaces.js';

interface PackedFile {
  path: string;
  mode: number;
}
interface Packed {
  name: string;
  version: string;
  filename: string;
  files: PackedFile[];
}

const workspaces = publicWorkspaces();
const libraries = workspaces.filter((w) => w.entrypoints.length > 0);
const cli = workspaces.find((w) => w.manifest.bin?.tokensmith);
const bin = (dir: string) => join(ROOT, 'node_modules', '.bin', dir);
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

let work: string;
let tarballs: string;
let stage: string;

/**
 * A copy of the root manifest, the pack scripts and the public workspaces (without node_modules):
 * npm pack and publish run the prepack/postpack scripts, which rewrite a package.json for a moment,
 * and other workspaces' tests running beside this one (turbo runs them in parallel) resolve
 * subpaths such as @tokensmith/store-redis/testing through the real one.
 */
function stageRepository(dir: string): string {
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  mkdirSync(join(dir, '.changeset'), { recursive: true });
  for (const file of ['package.json', 'LICENSE', 'scripts/pack-manifest.mjs', '.changeset/config.json'])
    cpSync(join(ROOT, file), join(dir, file), { recursive: true });
  for (const w of workspaces) {
    cpSync(join(ROOT, w.dir), join(dir, w.dir), {
      recursive: true,
      filter: (source) => !/[\\/](node_modules|\.turbo|test-artifacts|test-results\.json)$/.test(source),
    });
  }
  return dir;
}
const packed = new Map<string, Packed>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tokensmith-pack-'));
  tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  stage = stageRepository(join(work, 'repo'));
  const { stdout } = await runOk('npm', ['pack', '--json', '--pack-destination', tarballs, ...workspaces.flatMap((w) => ['-w', w.dir])], {
    cwd: stage,
  });
  for (const entry of JSON.parse(stdout) as Packed[]) packed.set(entry.name, entry);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('finds the public workspaces, the CLI among them, and this workspace depends on each (so turbo builds them first)', () => {
  expect(cli?.name).toBe('tokensmith');
  expect(libraries.map((w) => w.name)).toContain('@tokensmith/core');
  const own = JSON.parse(readFileSync(join(ROOT, 'apps/pack-test/package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const missing = workspaces.filter((w) => own.devDependencies[w.name] !== w.version).map((w) => w.name);
  expect(missing).toEqual([]);
});

test('in the repository, npx tokensmith is the workspace launcher: linked by npm ci, committed 0755, running the build', async () => {
  const bin = cli!.manifest.bin!.tokensmith!;
  expect(realpathSync(join(ROOT, 'node_modules', '.bin', 'tokensmith'))).toBe(realpathSync(join(ROOT, cli!.dir, bin)));
  // git keeps the mode, so the link works before any build and after every rebuild.
  const { stdout } = await runOk('git', ['ls-files', '--stage', posix.join(cli!.dir, bin)], { cwd: ROOT });
  expect(stdout.split(/\s+/)[0]).toBe('100755');
  const version = await runOk(join(ROOT, 'node_modules', '.bin', 'tokensmith'), ['--version'], { cwd: work });
  expect(version.stdout.trim()).toBe(`tokensmith ${cli!.version} (node ${process.version}; ${process.platform}-${process.arch})`);
});

test('releases: the changesets config links every public package into one version, and each has a CHANGELOG', () => {
  const config = JSON.parse(readFileSync(join(ROOT, '.changeset/config.json'), 'utf8')) as { linked: string[][]; access: string };
  expect(config.access).toBe('public');
  const patterns = config.linked.flat().map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}$`));
  const unlinked = workspaces.filter((w) => !patterns.some((p) => p.test(w.name))).map((w) => w.name);
  expect(unlinked).toEqual([]);
  expect(config.linked).toHaveLength(1);
  expect(new Set(workspaces.map((w) => w.version)).size).toBe(1);
  for (const w of workspaces) expect(readFileSync(join(ROOT, w.dir, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^# ${w.name}\n`));
});

describe.each(workspaces.map((w) => [w.name, w] as const))('the %s tarball', (name, workspace: PublicWorkspace) => {
  const files = () => packed.get(name)!.files.map((f) => f.path);

  test('holds the root LICENSE (MIT), a README, a CHANGELOG and the manifest', () => {
    expect(files()).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']));
    expect(readFileSync(join(ROOT, workspace.dir, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    expect(workspace.manifest.license).toBe('MIT');
  });

  test('ships no test, test-only subpath, tsconfig or build script', () => {
    const unwanted = files().filter((f) => /(^|\/)test\/|\.test\.|(^|\/)testing\/|tsconfig|jest\.config|turbo\.json/.test(f));
    expect(unwanted).toEqual([]);
  });

  test('has no source map pointing at a file it does not ship', () => {
    const shipped = new Set(files());
    const dangling: string[] = [];
    for (const map of files().filter((f) => f.endsWith('.map'))) {
      const { sources } = JSON.parse(readFileSync(join(ROOT, workspace.dir, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const target = posix.normalize(posix.join(posix.dirname(map), source));
        if (!shipped.has(target)) dangling.push(`${map} -> ${target}`);
      }
    }
    for (const js of files().filter((f) => /\.(js|d\.ts)$/.test(f))) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(ROOT, workspace.dir, js), 'utf8'))?.[1];
      if (url && !url.startsWith('data:') && !shipped.has(posix.join(posix.dirname(js), url))) dangling.push(`${js} -> ${url}`);
    }
    expect(dangling).toEqual([]);
  });

  test('has the registry metadata', () => {
    const m = workspace.manifest as {
      publishConfig?: unknown;
      repository?: unknown;
      homepage?: unknown;
      bugs?: { url?: unknown };
      keywords?: string[];
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    expect(m.publishConfig).toEqual({ access: 'public' });
    expect(m.repository).toEqual(expect.objectContaining({ type: 'git', directory: workspace.dir }));
    expect(typeof m.homepage).toBe('string');
    expect(typeof m.bugs?.url).toBe('string');
    expect(m.keywords?.length).toBeGreaterThan(0);
    for (const [dep, range] of Object.entries({ ...m.dependencies, ...m.peerDependencies })) {
      expect(`${dep}@${range}`).toMatch(/@\^\d/);
    }
  });

  test('publishes a manifest whose exports all point at shipped files', async () => {
    const dir = join(work, 'unpacked', name.replace('/', '+'));
    mkdirSync(dir, { recursive: true });
    await runOk('tar', ['-xzf', join(tarballs, packed.get(name)!.filename), '-C', dir], { cwd: work });
    const manifest = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8')) as {
      exports?: Record<string, unknown>;
      testOnlyExports?: unknown;
    };
    expect(manifest.testOnlyExports).toBeUndefined();
    const targets: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') targets.push(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(manifest.exports);
    expect(targets.filter((target) => !existsSync(join(dir, 'package', target)))).toEqual([]);
    for (const target of Object.values(workspace.manifest.bin ?? {})) {
      expect(
        packed
          .get(name)!
          .files.find((f) => f.path === target.replace(/^\.\//, ''))
          ?.mode.toString(8),
      ).toBe('755');
    }
  });

  test.concurrent('is clean under publint --strict', async () => {
    const result = await run(bin('publint'), ['run', join(tarballs, packed.get(name)!.filename), '--strict'], { cwd: work });
    expect({ code: result.code, output: (result.stdout + result.stderr).trim() }).toEqual({ code: 0, output: expect.any(String) });
  });

  // attw checks entry points' types; the CLI package has none (its exports are only package.json).
  if (workspace.entrypoints.length > 0)
    test.concurrent('has types right under attw (esm-only profile)', async () => {
      const result = await run(
        bin('attw'),
        [
          join(tarballs, packed.get(name)!.filename),
          '--profile',
          'esm-only',
          '--no-definitely-typed',
          '--format',
          'ascii',
          '--no-color',
          '--no-emoji',
        ],
        { cwd: work },
      );
      expect({ code: result.code, output: result.stdout.trim() }).toEqual({ code: 0, output: expect.any(String) });
    });
});

test('npm publish --dry-run --workspaces lists every public package with LICENSE and README, offline', async () => {
  // A closed loopback port as the registry, no retries: the dry run asks it who is logged in (and
  // only warns when refused); anything that needed the registry would fail.
  const { stdout, stderr } = await runOk(
    'npm',
    ['publish', '--dry-run', '--workspaces', '--registry', 'http://127.0.0.1:9/', '--fetch-retries=0', '--loglevel=notice'],
    { cwd: stage },
  );
  // stdout has a `+ name@version` line per package it would publish (private ones are skipped);
  // stderr a `📦 name@version` block per package, listing its files.
  const published = [...stdout.matchAll(/^\+ (.+)@[^@\s]+$/gm)].map((m) => m[1]!);
  expect(published.sort()).toEqual(workspaces.map((w) => w.name).sort());
  const blocks = new Map(
    stderr
      .split(/npm notice 📦\s+/)
      .slice(1)
      .map((block) => [
        block
          .split('\n')[0]!
          .trim()
          .replace(/@[^@]+$/, ''),
        block,
      ]),
  );
  for (const name of published) {
    expect(blocks.get(name)).toMatch(/ LICENSE\n/);
    expect(blocks.get(name)).toMatch(/ README\.md\n/);
  }
});

test('npm run release builds and tests, then changeset publish publishes and tags every public package (dry run, offline)', async () => {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const steps = root.scripts.release!.split('&&').map((step) => step.trim());
  // npm test is `turbo run build typecheck lint test`: nothing is published unless all of it passes.
  expect(steps).toEqual(['npm test', 'changeset publish']);
  // A loopback registry that knows no package (so changesets publishes every one) and records
  // every request; npm_config_dry_run makes each `npm publish` changesets runs a dry run.
  const requests: string[] = [];
  const registry = createHttpServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  try {
    const git = (args: string[]) =>
      runOk('git', ['-c', 'user.name=pack-test', '-c', 'user.email=pack-test@127.0.0.1', ...args], { cwd: stage });
    await git(['init', '--quiet']);
    await git(['commit', '--quiet', '--allow-empty', '-m', 'stage']);
    const { port } = registry.address() as { port: number };
    const [command, ...args] = steps[1]!.split(' ');
    const { stdout, stderr } = await runOk(bin(command!), args, {
      cwd: stage,
      env: cleanEnv({ npm_config_dry_run: 'true', npm_config_registry: `http://127.0.0.1:${port}/`, npm_config_fetch_retries: '0' }),
      timeoutMs: 300_000,
    });
    const output = stdout + stderr;
    const names = workspaces.map((w) => w.name).sort();
    const published = output.split('packages published successfully:')[1] ?? '';
    expect([...published.matchAll(/🦋 {2}(\S+)@\d+\.\d+\.\d+\S*$/gm)].map((m) => m[1]).sort()).toEqual(names);
    // Asked about each package, sent none (the tarballs' contents are the dry run above's test).
    expect(requests.filter((r) => !r.startsWith('GET '))).toEqual([]);
    const tags = (await git(['tag', '--list'])).stdout.split('\n').filter(Boolean);
    expect(tags.sort()).toEqual(workspaces.map((w) => `${w.name}@${w.version}`).sort());
  } finally {
    await new Promise((resolve) => registry.close(resolve));
  }
}, 300_000);

describe('installed from the tarballs', () => {
  let consumer: string;
  let globalPrefix: string;
  let home: string;

  beforeAll(async () => {
    consumer = join(work, 'consumer');
    globalPrefix = join(work, 'global');
    home = join(work, 'home');
    mkdirSync(consumer);
    mkdirSync(home);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const libraryTarballs = libraries.map((w) => join(tarballs, packed.get(w.name)!.filename));
    // ioredis is store-redis's peer: a user installs their own client (5.9.2 is what npm ci cached).
    await Promise.all([
      runOk('npm', ['install', ...NPM_FLAGS, ...libraryTarballs, 'ioredis@5.9.2'], { cwd: consumer, env: cleanEnv({ HOME: home }) }),
      runOk('npm', ['install', '--global', '--prefix', globalPrefix, ...NPM_FLAGS, join(tarballs, packed.get(cli!.name)!.filename)], {
        cwd: work,
        env: cleanEnv({ HOME: home }),
      }),
    ]);
  }, 180_000);

  test('npm i -g tokensmith installs one package, whose only dependency is the optional keychain binding', () => {
    const installed = readdirSync(join(globalPrefix, 'lib', 'node_modules'));
    expect(installed).toEqual(['tokensmith']);
    const own = join(globalPrefix, 'lib', 'node_modules', 'tokensmith', 'node_modules');
    expect(existsSync(own) ? readdirSync(own).filter((name) => !name.startsWith('.')) : []).toEqual(['@napi-rs']);
    // @napi-rs/keyring and the one native package npm picked for this platform.
    expect(readdirSync(join(own, '@napi-rs')).every((name) => name.startsWith('keyring'))).toBe(true);
  });

  describe('the globally installed command, from an empty directory with a temporary HOME', () => {
    const tokensmith = (args: string[]) => {
      const cwd = mkdtempSync(join(work, 'empty-'));
      return run(join(globalPrefix, 'bin', 'tokensmith'), args, {
        cwd,
        env: cleanEnv({ HOME: cwd, XDG_CONFIG_HOME: join(cwd, '.config'), CI: 'true', PATH: process.env.PATH }),
      });
    };

    test('tokensmith --help prints the usage', async () => {
      const result = await tokensmith(['--help']);
      expect(result).toEqual({ code: 0, stdout: expect.stringContaining('Usage: tokensmith'), stderr: '' });
    });

    test('tokensmith timeline runs the embedded demo sandbox from the bundle', async () => {
      const result = await tokensmith(['timeline']);
      expect(result.stderr).toContain('built-in demo');
      expect(result.stdout).toMatch(/^Tweet: /m);
      expect(result.code).toBe(0);
    });

    test('a redis:// store without ioredis fails with exit 1 naming the package to install', async () => {
      const result = await tokensmith(['--store', 'redis://127.0.0.1:1', 'status']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('npm install -g ioredis');
    });
  });

  // @napi-rs/keyring is the CLI's optional dependency: not in the tarball, loaded only for the
  // keychain store, and its install may fail on a platform with no build. A D-Bus session bus that answers (a socket replying to the SASL opening, as a real bus
  // does) gets the probe past "no session bus", to the point where the binding is loaded.
  describe('without the optional @napi-rs/keyring, where a session bus answers', () => {
    let sandbox: Sandbox;
    let bus: Server;
    let busPath: string;

    beforeAll(async () => {
      // An install where the optional binding failed (no build for the platform): npm keeps going
      // without it, and so must the command.
      rmSync(join(globalPrefix, 'lib', 'node_modules', 'tokensmith', 'node_modules', '@napi-rs'), { recursive: true, force: true });
      sandbox = await startSandbox();
      busPath = join(work, 'bus.sock');
      bus = createServer((connection) => connection.on('data', () => connection.write('OK 0123456789abcdef0123456789abcdef\r\n')));
      await new Promise<void>((resolve) => bus.listen(busPath, resolve));
    });
    afterAll(async () => {
      await sandbox?.stop();
      await new Promise((resolve) => bus?.close(resolve));
    });

    const tokensmith = (args: string[], store: string) => {
      const cwd = mkdtempSync(join(work, 'keyless-'));
      mkdirSync(join(cwd, '.config', 'tokensmith'), { recursive: true });
      const timeline = `{ url: ${new URL('/1.1/statuses/user_timeline.json', sandbox.url).href}, format: twitter-v1, user: twitterapi }`;
      writeFileSync(
        join(cwd, '.config', 'tokensmith', 'config.yaml'),
        [
          `store: ${store}`,
          'providers:',
          '  app:',
          '    strategy: client-credentials',
          `    tokenUrl: ${sandbox.endpoints.tokenUrl}`,
          `    clientId: ${DEMO_CREDENTIALS.app.clientId}`,
          `    clientSecret: ${DEMO_CREDENTIALS.app.clientSecret}`,
          `    timeline: ${timeline}`,
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      return run(join(globalPrefix, 'bin', 'tokensmith'), args, {
        cwd,
        env: cleanEnv({
          HOME: cwd,
          XDG_CONFIG_HOME: join(cwd, '.config'),
          DBUS_SESSION_BUS_ADDRESS: `unix:path=${busPath}`,
          CI: 'true',
          PATH: process.env.PATH,
        }),
      });
    };

    test('store auto falls back to the token file, and the notice names the package that is missing', async () => {
      const result = await tokensmith(['timeline', '--count', '1'], 'auto');
      expect(result.stdout).toMatch(/^Tweet: /m);
      expect(result.stderr).toContain('notice: no OS keychain answered');
      expect(result.stderr).toContain('npm install -g @napi-rs/keyring');
      expect(result.code).toBe(0);
    });

    test('store keychain fails with exit 1 naming the package to install', async () => {
      const result = await tokensmith(['status'], 'keychain');
      expect(result.stderr).toContain('npm install -g @napi-rs/keyring');
      expect(result.code).toBe(1);
    });
  });

  const each = () => libraries.flatMap((w) => w.entrypoints.map((subpath) => specifier(w.name, subpath)));

  test.concurrent.each(libraries.flatMap((w) => w.entrypoints.map((subpath) => [specifier(w.name, subpath)])))(
    'import %s alone (ESM)',
    async (spec) => {
      const result = await runOk(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(spec)}); console.log(Object.keys(m).length);`],
        { cwd: consumer },
      );
      expect(Number(result.stdout)).toBeGreaterThan(0);
    },
  );

  test.concurrent.each(libraries.flatMap((w) => w.entrypoints.map((subpath) => [specifier(w.name, subpath)])))(
    'require(%s) alone (require(esm), no flag)',
    async (spec) => {
      const result = await runOk(
        process.execPath,
        ['-e', `const m = require(${JSON.stringify(spec)}); console.log(Object.keys(m).length);`],
        { cwd: consumer },
      );
      expect(Number(result.stdout)).toBeGreaterThan(0);
    },
  );

  // As a user's tsc sees them: strict, skipLibCheck false (tsc's default), so every .d.ts we ship is
  // checked, and one that imports a type only a devDependency provides fails (TS7016), from an ESM
  // project and from a CommonJS one (require(esm), which nodenext resolution allows). Bundler
  // resolution keeps skipLibCheck: it resolves the same declarations, and checking node's and
  // ioredis's .d.ts a third time costs ~10 s.
  test.concurrent.each([
    ['ESM, node16', { module: 'node16', moduleResolution: 'node16', skipLibCheck: false }, 'module'],
    ['CommonJS, nodenext', { module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: false }, 'commonjs'],
    ['bundler', { module: 'preserve', moduleResolution: 'bundler', skipLibCheck: true }, 'module'],
  ])(
    'type-checks a consumer of every entry point (%s)',
    async (label, options, type) => {
      const dir = join(consumer, `types-${label.replace(/\W+/g, '-')}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `types-${type}`, private: true, type }));
      const specs = each();
      writeFileSync(
        join(dir, 'consumer.ts'),
        specs
          .map((spec, i) => `import * as m${i} from ${JSON.stringify(spec)};\nexport const names${i}: (keyof typeof m${i})[] = [];\n`)
          .join(''),
      );
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            ...options,
            target: 'ES2022',
            strict: true,
            noEmit: true,
            types: ['node'],
            typeRoots: [join(ROOT, 'node_modules', '@types')],
          },
          files: ['consumer.ts'],
        }),
      );
      const result = await run(
        process.execPath,
        [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')],
        {
          cwd: dir,
        },
      );
      expect({ code: result.code, output: result.stdout.trim() }).toEqual({ code: 0, output: '' });
    },
    240_000,
  );
});
