// Examples are code: every ```ts block of a README and every TSDoc @example of a package is
// type-checked, one module each, in one tsc run against the built packages, so an example that
// imports a name from the wrong package or calls an API wrongly fails here, naming its file and line.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleSnippets, markdownSnippets, snippetSources, writeSnippetModules, type Snippet, type WrittenSnippet } from './snippets.js';
import { ROOT, run } from './workspaces.js';

const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Runs tsc over the modules; returns each error as `file:line: message`, at the snippet's place. */
async function check(project: string, written: WrittenSnippet[]): Promise<string[]> {
  copyFileSync(join(ROOT, 'apps/pack-test/test/snippet-prelude.d.ts'), join(project, 'prelude.d.ts'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'snippets', private: true, type: 'module' }));
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        // No DOM: a snippet's undefined `open` or `name` must not pass as window's.
        lib: ['ES2023'],
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        // jest: the testing kits' examples are test files.
        types: ['node', 'jest'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      files: ['prelude.d.ts', ...written.map((w) => w.module)],
    }),
  );
  const result = await run(process.execPath, [tsc, '-p', join(project, 'tsconfig.json'), '--pretty', 'false'], {
    cwd: project,
    timeoutMs: 300_000,
  });
  const byModule = new Map(written.map((w) => [w.module, w]));
  const errors: string[] = [];
  for (const line of result.stdout.split('\n')) {
    const m = /^(snippets\/s\d+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line);
    if (!m) {
      if (line.trim() !== '') errors.push(line);
      continue;
    }
    const w = byModule.get(m[1]!)!;
    const at = w.line + Number(m[2]) - 1 - w.preludeLines;
    errors.push(`${w.file}:${at}:${m[3]}: ${m[4]}`);
  }
  if (result.code !== 0 && errors.length === 0) errors.push(`tsc exited ${result.code}: ${result.stderr}`);
  return errors;
}

let work: string;
beforeAll(() => {
  // Inside the repository, so the snippets resolve @tokensmith/* through the workspace links.
  mkdirSync(join(ROOT, 'apps/pack-test/test-artifacts'), { recursive: true });
  work = mkdtempSync(join(ROOT, 'apps/pack-test/test-artifacts/snippets-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('finds the README blocks and the @example blocks, each at its line', () => {
  const readme = markdownSnippets('README.md', 'text\n```ts\nconst a = 1;\n```\n```sh\nls\n```\n');
  expect(readme).toEqual([{ file: 'README.md', line: 3, code: 'const a = 1;' }]);
  const source = ['/**', ' * Does a.', ' *', ' * @example', ' * ```ts', ' * a(1);', ' * ```', ' */', 'export function a() {}'].join('\n');
  expect(exampleSnippets('src/a.ts', source)).toEqual([{ file: 'src/a.ts', line: 6, code: 'a(1);' }]);
});

test('a wrong import fails the check, named by its file and line', async () => {
  const project = join(work, 'wrong');
  const snippets: Snippet[] = [
    { file: 'README.md', line: 40, code: "import { FileStore } from '@tokensmith/core';\nconsole.log(FileStore);" },
    { file: 'README.md', line: 50, code: "import { FileStore } from '@tokensmith/store-file';\nconsole.log(FileStore);" },
  ];
  const errors = await check(project, writeSnippetModules(project, snippets));
  expect(errors).toEqual([
    expect.stringMatching(/^README\.md:40:\d+: error TS2305: Module '"@tokensmith\/core"' has no exported member 'FileStore'/),
  ]);
}, 300_000);

test('every README ```ts block and every package @example type-checks', async () => {
  const { readmes, sources } = snippetSources();
  const snippets = [
    ...readmes.flatMap((file) => markdownSnippets(file, readFileSync(join(ROOT, file), 'utf8'))),
    ...sources.flatMap((file) => exampleSnippets(file, readFileSync(join(ROOT, file), 'utf8'))),
  ];
  expect(snippets.length).toBeGreaterThan(100);
  const project = join(work, 'all');
  const errors = await check(project, writeSnippetModules(project, snippets));
  expect(errors).toEqual([]);
}, 300_000);
