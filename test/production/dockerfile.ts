import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

export interface Copy {
  /** The stage copied from; undefined: the build context (the repo). */
  from: string | undefined;
  sources: string[];
  dest: string;
}

/** The repo's Dockerfile as stages, each with the instructions after its FROM: as much of the syntax as that file uses. */
export function readDockerfile(): Stage[] {
  const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const [image = '', , name = String(stages.length)] = args.split(/\s+/);
      stages.push({ name, image, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile: "${line}" before the first FROM`);
    stage.instructions.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

const argsOf = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);

/** Each RUN's shell command. */
export const runs = (stage: Stage): string[] => argsOf(stage, 'RUN');

export function copies(stage: Stage): Copy[] {
  return argsOf(stage, 'COPY').map((args) => {
    const words = args.split(/\s+/);
    const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
    const dest = words.pop()!;
    return { from, sources: words, dest };
  });
}

/** The last WORKDIR: where RUN and CMD run, and what relative COPY destinations mean. */
export function workdir(stage: Stage): string {
  return argsOf(stage, 'WORKDIR').at(-1) ?? '/';
}

/** Where `copy` puts `source` under `dir`, `dir` standing for the stage's WORKDIR (Docker's rule: several sources or a dest ending in / name a directory). */
export function copyTarget(dir: string, copy: Copy, source: string): string {
  const intoDirectory = copy.sources.length > 1 || copy.dest.endsWith('/');
  return intoDirectory ? join(dir, copy.dest, source.split('/').at(-1)!) : join(dir, copy.dest);
}

/** A path in another stage's filesystem, as a path under `dir`, `dir` standing for that stage's WORKDIR. */
export function inStage(dir: string, stage: Stage, path: string): string {
  return join(dir, relative(workdir(stage), path));
}

/** The CMD, which must be in exec form (a JSON array): a shell form would put a shell at PID 1, and SIGTERM would not reach node. */
export function execCmd(stage: Stage): string[] {
  const cmd = argsOf(stage, 'CMD').at(-1);
  if (!cmd?.startsWith('[')) throw new Error(`Dockerfile: CMD must be in exec form, got ${cmd}`);
  return JSON.parse(cmd) as string[];
}

export const userOf = (stage: Stage): string | undefined => argsOf(stage, 'USER').at(-1);

/** The .dockerignore's patterns, in order. */
export function readDockerignore(): string[] {
  return readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
