/**
 * Runs one sendNotification in a process of its own, so that a test can kill it (SIGKILL)
 * at a chosen moment of the SMTP conversation: a real crash of the activity's process.
 * Input: the JSON in CASUS_CHILD ({ databaseUrl, smtpUrl, contactsFile, request }).
 */
import { createActivities } from '../../../activities';
import { createPool } from '../../../activities/db/pool';
import { createTransport } from '../../../activities/mail/mailer';
import { DEFAULT_TIMINGS } from '../../../domain/timings';

async function main() {
  const input = JSON.parse(process.env.CASUS_CHILD ?? '{}');
  const pool = createPool(input.databaseUrl, { embedded: input.embedded === true });
  const activities = createActivities({
    pool,
    transport: createTransport(input.smtpUrl),
    mailFrom: 'Casusregie <casusregie@test.example>',
    contactsFile: input.contactsFile,
    timings: DEFAULT_TIMINGS,
  });
  await activities.sendNotification(input.request);
  await pool.end();
}

main().then(
  () => process.exit(0),
  () => process.exit(1),
);
