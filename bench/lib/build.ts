/**
 * The child processes run as production runs the gateway (`npm start`:
 * compiled JavaScript on plain Node), not through tsx, whose loader thread,
 * compile caches and source maps would add to the gateway's RSS and to its
 * stack traces. Every module is transpiled on its own with the project's
 * TypeScript (type checking is `npm run typecheck`'s job) into
 * bench/.build/, keeping the tree's layout so that relative imports and
 * node_modules resolve as they do from the sources.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILD_DIR = join(ROOT, 'bench', '.build');
const SOURCES = ['src', 'simulator/src', 'bench/processes', 'bench/lib', 'bench/floor.ts', 'test/helpers/direct-baseline.ts', 'test/helpers/http-service.ts'];

function tsFiles(path: string): string[] {
  const full = join(ROOT, path);
  if (path.endsWith('.ts')) return [full];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsFiles(relative(ROOT, join(full, entry.name))) : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [join(full, entry.name)] : [],
  );
}

/** Transpiles what the children need; returns the build directory. Takes well under a second. */
export function buildChildren(): string {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  for (const file of SOURCES.flatMap(tsFiles)) {
    const { outputText, diagnostics } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, sourceMap: false },
    });
    if (diagnostics?.length) throw new Error(`${relative(ROOT, file)}: ${ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, '\n')}`);
    const out = join(BUILD_DIR, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  return BUILD_DIR;
}
