/**
 * R8: who comes to the planned UVO. A partner answers the invitation (through the personal link
 * in the invitation, or the regisseur records it with `casus aanwezigheid`): `aanwezig` or
 * `verhinderd`, with a short note. A pure command like those in commands.ts: `check` refuses
 * what does not fit the case, `apply` records the answer in the planned UVO, the timeline and
 * the audit trail. No mail: the regisseur sees who comes in the status.
 */
import { CaseState, ErrorCode } from '../contract';
import type { Command, Refusal } from './commands';
import { findPartner, log, record } from './effects';
import { attendancePayloadSchema } from './schemas';
import type { PlannedUvo, UvoAttendance } from './state';
import { iso } from './time';

const refuse = (code: ErrorCode, message: string): Refusal => ({ code, message });
const RUNNING: CaseState[] = ['actief', 'afschaling'];

/** The answers that hold for the UVO as it is planned now (an answer from before a re-plan does not). */
export function currentAttendance(u: PlannedUvo): UvoAttendance[] {
  return (u.attendance ?? []).filter((a) => a.sequence === u.sequence);
}

export const recordAttendance: Command<typeof attendancePayloadSchema> = {
  schema: attendancePayloadSchema,
  check(d, p) {
    const s = d.status;
    if (!RUNNING.includes(s.state)) {
      return refuse(
        ErrorCode.WRONG_STATE,
        `Aanwezigheid doorgeven kan niet: casus ${s.caseNumber} is ${s.state}.`,
      );
    }
    const u = s.uvo.planned;
    if (!u || u.id !== p.uvoId) {
      return refuse(
        ErrorCode.UNKNOWN_UVO,
        `UVO "${p.uvoId}" staat niet gepland in casus ${s.caseNumber} (gepland: ${u?.id ?? 'geen'}).`,
      );
    }
    if (!findPartner(d, p.partnerId)) {
      const known = s.partners.map((x) => x.id).join(', ') || 'geen';
      return refuse(
        ErrorCode.UNKNOWN_PARTNER,
        `Onbekende partner "${p.partnerId}" in casus ${s.caseNumber} (partners: ${known}).`,
      );
    }
    if (!u.invited.includes(p.partnerId)) {
      return refuse(
        ErrorCode.UNKNOWN_PARTNER,
        `Partner "${p.partnerId}" is niet uitgenodigd voor UVO ${u.id}.`,
      );
    }
    return undefined;
  },
  apply(d, p, ctx) {
    const s = d.status;
    const u = s.uvo.planned!;
    const answer: UvoAttendance = {
      partnerId: p.partnerId,
      answer: p.answer,
      ...(p.note ? { note: p.note } : {}),
      at: iso(ctx.now),
      sequence: u.sequence,
      ...(ctx.actor ? { by: ctx.actor } : {}),
    };
    u.attendance = [...(u.attendance ?? []).filter((a) => a.partnerId !== p.partnerId), answer];
    log(d, ctx, 'uvo-aanwezigheid', `${p.partnerId}: ${p.answer} bij UVO ${u.id}`);
    record(d, ctx, 'uvo-aanwezigheid', { uvoId: u.id, partnerId: p.partnerId, answer: p.answer });
    const answered = currentAttendance(u);
    const coming = answered.filter((a) => a.answer === 'aanwezig').length;
    const waiting = u.invited.filter((id) => !answered.some((a) => a.partnerId === id)).length;
    return {
      message: `${p.partnerId} ${p.answer === 'aanwezig' ? 'komt' : 'kan niet komen'} naar UVO ${u.id}; ${coming} partner(s) aanwezig, ${waiting} nog geen antwoord.`,
      state: s.state,
      id: u.id,
    };
  },
};
