import fs from 'node:fs';

/**
 * The malloc a process runs on: jemalloc when it is loaded (bin/casus-worker preloads it when it
 * is installed), else glibc's; undefined when /proc cannot tell. For the worker's start log and
 * the benchmarks' reports.
 */
export function allocatorOf(pid: number | 'self' = 'self'): 'jemalloc' | 'glibc' | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/maps`, 'utf8').includes('libjemalloc') ? 'jemalloc' : 'glibc';
  } catch {
    return undefined;
  }
}
