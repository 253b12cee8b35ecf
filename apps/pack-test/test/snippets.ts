// Finds the TypeScript examples a reader copies (README blocks and TSDoc @example blocks) and
// writes each as its own module of one project, so one tsc run checks them all.
// (~260 lines: extraction and scope-building are one pipeline whose parts share the line bookkeeping.)
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ROOT, publicWorkspaces, specifier } from './workspaces.js';

/** One example: its code and where a reader finds it (1-based line of its first code line). */
export interface Snippet {
  /** Relative to the repository root, e.g. `packages/core/README.md`. */
  file: string;
  line: number;
  code: string;
}

const FENCE_OPEN = /^```(ts|typescript)\s*$/;
const FENCE_CLOSE = /^```\s*$/;

/**
 * The ```ts / ```typescript blocks of a Markdown file.
 *
 * @example
 * ```ts
 * markdownSnippets('README.md', '```ts\nconst a = 1;\n```\n'); // [{ file: 'README.md', line: 2, code: 'const a = 1;' }]
 * ```
 */
export function markdownSnippets(file: string, text: string): Snippet[] {
  return fencedBlocks(file, text.split('\n'), 0);
}

/**
 * The fenced ```ts blocks that follow an `@example` tag in the doc comments of a TypeScript file.
 *
 * @example
 * ```ts
 * exampleSnippets('src/a.ts', '/**\n * @example\n * ```ts\n * a();\n * ```\n *\/'); // one snippet, line 4
 * ```
 */
export function exampleSnippets(file: string, text: string): Snippet[] {
  const lines = text.split('\n');
  const found: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i]!)) continue;
    // The comment's lines from the tag to the end of the comment, without their ` * ` margin.
    const body: string[] = [];
    for (let j = i + 1; j < lines.length && !/\*\//.test(lines[j]!); j++) {
      if (/^\s*\*\s*@\w+/.test(lines[j]!)) break;
      body.push(lines[j]!.replace(/^\s*\* ?/, ''));
    }
    found.push(...fencedBlocks(file, body, i + 1));
  }
  return found;
}

function fencedBlocks(file: string, lines: string[], offset: number): Snippet[] {
  const found: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE_OPEN.test(lines[i]!.trim())) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !FENCE_CLOSE.test(lines[end]!.trim())) end++;
    found.push({ file, line: offset + start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return found;
}

function walk(dir: string, keep: (path: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : walk(path, keep);
    return keep(path) ? [path] : [];
  });
}

/**
 * Every README (root, packages/*, apps/*) and every package source file (not tests, not .d.ts),
 * relative to the root: where the snippets are looked for.
 *
 * @example
 * ```ts
 * snippetSources().readmes; // ['README.md', 'apps/cli/README.md', ...]
 * ```
 */
export function snippetSources(): { readmes: string[]; sources: string[] } {
  const readmes = ['README.md'];
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(ROOT, group)))
      if (existsSync(join(ROOT, group, entry, 'README.md'))) readmes.push(`${group}/${entry}/README.md`);
  }
  const sources = readdirSync(join(ROOT, 'packages')).flatMap((entry) =>
    walk(join(ROOT, 'packages', entry, 'src'), (path) => path.endsWith('.ts') && !path.endsWith('.d.ts') && !path.endsWith('.test.ts')),
  );
  return { readmes, sources: sources.map((path) => relative(ROOT, path).split('\\').join('/')) };
}

/** Names a module declares at its top level through `export`, and the import lines it has. */
function moduleScope(text: string): { exported: string[]; imports: string[] } {
  const exported = [
    ...text.matchAll(
      /^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?|const|let|class|interface|type|enum|abstract\s+class)\s+([A-Za-z_$][\w$]*)/gm,
    ),
  ].map((m) => m[1]!);
  for (const m of text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}(?!\s*from)/gm))
    exported.push(
      ...m[1]!
        .split(',')
        .map((part) =>
          part
            .trim()
            .split(/\s+as\s+/)
            .pop()!
            .replace(/^type\s+/, ''),
        )
        .filter(Boolean),
    );
  const imports = [...text.matchAll(/^import\s[^;]*?from\s+'[^']+';/gms)].map((m) => m[0]);
  return { exported, imports };
}

/**
 * The names the packages export publicly, each with the first specifier that exports it: a TSDoc
 * example may use any of them unimported, as a reader of the package's docs would import them.
 */
function publicNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const w of publicWorkspaces()) {
    for (const subpath of w.entrypoints) {
      const target = (w.manifest.exports?.[subpath] as { types?: string } | undefined)?.types;
      if (!target) continue;
      const entry = join(ROOT, w.dir, target.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'));
      if (!existsSync(entry)) continue;
      for (const name of reexports(readFileSync(entry, 'utf8'))) if (!names.has(name)) names.set(name, specifier(w.name, subpath));
    }
  }
  return names;
}

/** What an entry module (`index.ts`: `export { a, type B } from './x.js'` lines) exports. */
function reexports(text: string): string[] {
  const names = moduleScope(text).exported;
  for (const m of text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}\s*from/gm))
    names.push(
      ...m[1]!
        .split(',')
        .map((part) =>
          part
            .trim()
            .split(/\s+as\s+/)
            .pop()!
            .replace(/^type\s+/, ''),
        )
        .filter(Boolean),
    );
  return names;
}

/** A snippet module and how to map its lines back. */
export interface WrittenSnippet extends Snippet {
  /** The module's path, relative to the project directory. */
  module: string;
  /** How many lines were put before the snippet's first line. */
  preludeLines: number;
}

/**
 * Writes every snippet as its own module under `project/snippets/`. A README block stands alone
 * (its own imports, plus the ambient prelude). A TSDoc example is read where it is written: it
 * sees what its file imports and exports (taken from the built declarations in dist/, so the
 * check needs no package's sources), plus the ambient prelude.
 *
 * @example
 * ```ts
 * const written = writeSnippetModules('/tmp/project', [{ file: 'README.md', line: 3, code: 'const a = 1;' }]);
 * ```
 */
export function writeSnippetModules(project: string, snippets: Snippet[]): WrittenSnippet[] {
  const dir = join(project, 'snippets');
  mkdirSync(dir, { recursive: true });
  const scopes = new Map<string, ReturnType<typeof moduleScope>>();
  const everywhere = publicNames();
  return snippets.map((snippet, index) => {
    const module = `snippets/s${index}.ts`;
    const prelude: string[] = [];
    const source = /^packages\/([^/]+)\/src\/(.+)\.ts$/.exec(snippet.file);
    if (source) {
      let scope = scopes.get(snippet.file);
      if (!scope) scopes.set(snippet.file, (scope = moduleScope(readFileSync(join(ROOT, snippet.file), 'utf8'))));
      const built = join(ROOT, 'packages', source[1]!, 'dist', `${source[2]!}.js`);
      const fromSnippet = (target: string) => {
        const path = relative(dir, target).split('\\').join('/');
        return path.startsWith('.') ? path : `./${path}`;
      };
      const own = new Set(
        [...snippet.code.matchAll(/\b(?:import|const|let|var|function|class|interface|type)\s+(?:type\s+)?\{?\s*([A-Za-z_$][\w$]*)/g)].map(
          (m) => m[1]!,
        ),
      );
      const explicit = new Set([...snippet.code.matchAll(/^import\s[^;]*?from/gms)].flatMap((m) => m[0].match(/[A-Za-z_$][\w$]*/g) ?? []));
      const uses = (name: string) => new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(snippet.code);
      const names = scope.exported.filter((name) => uses(name) && !own.has(name) && !explicit.has(name));
      if (names.length > 0) prelude.push(`import { ${[...new Set(names)].join(', ')} } from '${fromSnippet(built)}';`);
      for (const line of scope.imports) {
        const from = /from\s+'([^']+)'/.exec(line)![1]!;
        const target = from.startsWith('.') ? fromSnippet(join(dirname(built), from)) : from;
        const clause = line.replace(/^import\s+/, '').replace(/\s+from\s+'[^']+';$/, '');
        // `import * as oidc from '...'` and `import debug from '...'`: the whole binding, when used.
        const whole = /^(type\s+)?(\* as\s+)?([A-Za-z_$][\w$]*)$/.exec(clause.trim());
        if (whole) {
          const local = whole[3]!;
          if (uses(local) && !own.has(local) && !explicit.has(local) && !names.includes(local)) {
            prelude.push(`import ${clause.trim()} from '${target}';`);
            names.push(local);
          }
          continue;
        }
        const named = /^(type\s+)?\{([^}]*)\}$/s.exec(clause.trim());
        if (!named) continue;
        const wanted = named[2]!
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== '')
          .filter((part) => {
            const local = part
              .split(/\s+as\s+/)
              .pop()!
              .replace(/^type\s+/, '');
            return uses(local) && !own.has(local) && !explicit.has(local) && !names.includes(local);
          });
        if (wanted.length > 0) {
          prelude.push(`import ${named[1] ?? ''}{ ${wanted.join(', ')} } from '${target}';`);
          wanted.forEach((part) =>
            names.push(
              part
                .split(/\s+as\s+/)
                .pop()!
                .replace(/^type\s+/, ''),
            ),
          );
        }
      }
      const bySpecifier = new Map<string, string[]>();
      for (const [name, from] of everywhere) {
        if (!uses(name) || own.has(name) || explicit.has(name) || names.includes(name)) continue;
        bySpecifier.set(from, [...(bySpecifier.get(from) ?? []), name]);
      }
      for (const [from, list] of bySpecifier) prelude.push(`import { ${list.join(', ')} } from '${from}';`);
    }
    // A fragment of a function body (it returns) is read as one: its imports stay at the top.
    let code = `${snippet.code}\nexport {};`;
    let wrapped = 0;
    if (/\breturn\b/.test(snippet.code) && !/^(export|declare)\s/m.test(snippet.code)) {
      // Its one-line imports stay at the top (as blank lines in place, so line numbers hold).
      const lines = snippet.code.split('\n');
      const imports = lines.filter((line) => /^import\s.*;$/.test(line));
      const body = lines.map((line) => (/^import\s.*;$/.test(line) ? '' : line));
      code = [...imports, 'export async function example() {', ...body, '}'].join('\n');
      wrapped = imports.length + 1;
    }
    writeFileSync(join(project, module), `${prelude.join('\n')}${prelude.length ? '\n' : ''}${code}\n`);
    return { ...snippet, module, preludeLines: prelude.length + wrapped };
  });
}
