/**
 * Writes one benchmark's section of docs/benchmarks.md (a `## heading` up to the next one),
 * leaving the other sections as they are.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../runtime/config';

export const BENCHMARKS_FILE = path.join(PROJECT_ROOT, 'docs', 'benchmarks.md');

const INTRO = `# Benchmarks

Each section is written by its script; run the command shown to measure again. Targets come
from the issues; a figure that misses its target says so.
`;

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'onbekende cpu';
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export function writeSection(heading: string, body: string): void {
  const text = fs.existsSync(BENCHMARKS_FILE) ? fs.readFileSync(BENCHMARKS_FILE, 'utf8') : INTRO;
  const section = `## ${heading}\n\n${body.trim()}\n`;
  const start = text.indexOf(`## ${heading}\n`);
  let next: string;
  if (start === -1) {
    next = `${text.trimEnd()}\n\n${section}`;
  } else {
    const after = text.indexOf('\n## ', start + 3);
    next = text.slice(0, start) + section + (after === -1 ? '' : `\n${text.slice(after + 1)}`);
  }
  fs.writeFileSync(BENCHMARKS_FILE, next.endsWith('\n') ? next : `${next}\n`);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Environment variables from words "NAME=value" (BENCH_WORKER_ENV, BENCH_MEMORY_SETTINGS). */
export function envAssignments(words: string[]): Record<string, string> {
  return Object.fromEntries(
    words.filter(Boolean).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
  );
}
