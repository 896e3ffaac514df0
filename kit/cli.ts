import { execFile } from 'node:child_process';
import path from 'node:path';

/** The `casus` command as installed: a shell script that starts Node from the CLI's startup snapshot. */
export const CASUS_BIN = path.join(__dirname, '..', 'bin', 'casus');
/** The same CLI without the snapshot (`node bin/casus.js`). */
export const CASUS_JS = path.join(__dirname, '..', 'bin', 'casus.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `casus …` as a child process, as a user would (npm test builds dist/ first). */
export function casus(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(CASUS_BIN, args, { env, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err
        ? typeof (err as { code?: unknown }).code === 'number'
          ? (err as { code: number }).code
          : 1
        : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
