/**
 * One case (casus) from referral to its end, as one long-lived workflow.
 * Deterministic code only: side effects go through activities, time through timers.
 */
import {
  ApplicationFailure,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities } from '../activities';
import {
  CaseInput,
  CaseState,
  CaseStatus,
  ErrorCode,
  NotificationRequest,
  SEARCH_ATTRIBUTES,
  statusQuery,
} from '../domain/contract';
import { formatDuration } from '../domain/duration';
import { assessmentFlags, checkReferral, initialsOf } from '../domain/referral';

const { caseTimings, recordCaseEvent, sendNotification } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export async function caseWorkflow(input: CaseInput): Promise<CaseState> {
  // R1: the referral is checked again here, with the schema the client used at the door.
  const check = checkReferral(input.referral);
  if (!check.ok) {
    throw ApplicationFailure.nonRetryable(`Ongeldige aanmelding: ${check.problems.join('; ')}`, ErrorCode.INVALID_REFERRAL);
  }
  const referral = check.referral;
  const timings = input.timings ?? (await caseTimings());
  const now = () => new Date().toISOString();

  const status: CaseStatus = {
    caseNumber: referral.caseNumber,
    municipality: referral.municipality,
    state: 'aangemeld',
    initials: initialsOf(referral.youngPerson),
    acute: referral.acute,
    referralDate: referral.referralDate,
    assessmentFlags: assessmentFlags(referral),
    timeline: [],
  };
  setHandler(statusQuery, () => status);

  const log = (kind: string, text: string) => status.timeline.push({ at: now(), kind, text });
  const notify = (req: Omit<NotificationRequest, 'caseNumber' | 'municipality'>) =>
    sendNotification({ ...req, caseNumber: status.caseNumber, municipality: status.municipality });

  upsertSearchAttributes([
    { key: SEARCH_ATTRIBUTES.state, value: status.state },
    { key: SEARCH_ATTRIBUTES.municipality, value: status.municipality },
  ]);
  setCurrentDetails(`Aangemeld op ${referral.referralDate}; wacht op beoordeling door de netwerkregisseur.`);

  // Intake: record the case and tell the regisseur (R3).
  log('aanmelding-ontvangen', `Aanmelding ontvangen via route ${referral.route}${referral.acute ? ' (acuut)' : ''}`);
  await recordCaseEvent(`${workflowInfo().workflowId}:aanmelding`, {
    caseNumber: status.caseNumber,
    municipality: status.municipality,
    state: status.state,
    kind: 'aanmelding-ontvangen',
    at: now(),
    details: { route: referral.route, acute: referral.acute, flags: status.assessmentFlags.length },
    fields: { referral, referralDate: referral.referralDate, acute: referral.acute },
  });
  await notify({
    key: `${status.caseNumber}:aanmelding-ontvangen`,
    kind: 'aanmelding-ontvangen',
    to: [{ role: 'regisseur' }],
    data: { initials: status.initials, acute: referral.acute },
  });

  // R3: until the regisseur decides, a reminder after 5 days and every 5 days after.
  const decided = () => status.state !== 'aangemeld';
  for (let reminder = 1; !(await condition(decided, timings.assessmentReminder, { summary: 'Beoordelingstermijn' })); reminder++) {
    log('beoordeling-herinnering', `Herinnering beoordeling verstuurd (na ${formatDuration(timings.assessmentReminder * reminder)})`);
    await notify({
      key: `${status.caseNumber}:beoordeling-herinnering:${reminder}`,
      kind: 'beoordeling-herinnering',
      to: [{ role: 'regisseur' }],
      data: { initials: status.initials, since: referral.referralDate },
    });
  }
  return status.state;
}
