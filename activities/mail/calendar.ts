import { createEvent } from 'ics';
import type { CalendarEvent } from '../../domain/contract';
import type { Contact } from '../../domain/contacts';

export interface CalendarInvite {
  method: 'REQUEST' | 'CANCEL';
  /** The .ics text (RFC 5545, CRLF line ends). */
  content: string;
}

/**
 * A UVO as an iTIP calendar message (R8), built with the `ics` library. The UID is the one the
 * workflow gives the UVO, so an invitation, a re-plan (higher SEQUENCE) and a cancellation
 * (METHOD:CANCEL, STATUS:CANCELLED) all address the same event in Outlook and Google Calendar.
 * Times are written in UTC (the instant of the Amsterdam time the workflow chose), which every
 * calendar shows in its user's zone, summer and winter time included.
 * The summary carries the case number only (SPEC §6).
 */
export function buildCalendarInvite(
  event: CalendarEvent,
  opts: { caseNumber: string; organizer: Contact; attendees: { name: string; email: string }[] },
): CalendarInvite {
  const start = Date.parse(event.start);
  const end = Date.parse(event.end);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
    throw new Error(`Ongeldige UVO-tijden voor casus ${opts.caseNumber}`);
  }
  const { error, value } = createEvent({
    productId: '-//Casusregie//Netwerkregie Jeugd en Veiligheid//NL',
    method: event.method,
    uid: event.uid,
    sequence: event.sequence,
    title: `Uitvoerdersoverleg (UVO) casus ${opts.caseNumber}`,
    description: `Uitvoerdersoverleg van casus ${opts.caseNumber}, voorgezeten door de netwerkregisseur Jeugd & Veiligheid.`,
    location: event.location || undefined,
    start,
    startInputType: 'utc',
    startOutputType: 'utc',
    end,
    endInputType: 'utc',
    endOutputType: 'utc',
    status: event.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    organizer: { name: opts.organizer.name, email: opts.organizer.email },
    attendees: opts.attendees.map((a) => ({
      name: a.name,
      email: a.email,
      rsvp: event.method === 'REQUEST',
      partstat: 'NEEDS-ACTION',
      role: 'REQ-PARTICIPANT',
    })),
  });
  if (error || !value)
    throw new Error(`Agenda-uitnodiging voor casus ${opts.caseNumber} kon niet worden gemaakt`);
  return { method: event.method, content: value };
}
