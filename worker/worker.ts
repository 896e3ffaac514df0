import { NativeConnection, Worker } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { Transporter } from 'nodemailer';
import { createActivities } from '../activities';
import { TASK_QUEUE } from '../domain/contract';
import type { Timings } from '../domain/timings';

export interface CasusWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  pool: Pool;
  transport: Transporter;
  mailFrom: string;
  contactsFile: string;
  timings: Timings;
  taskQueue?: string;
}

/** The worker: runs the case workflows and their activities (mail and records). */
export async function createCasusWorker(opts: CasusWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({
      pool: opts.pool,
      transport: opts.transport,
      mailFrom: opts.mailFrom,
      contactsFile: opts.contactsFile,
      timings: opts.timings,
    }),
  });
}
