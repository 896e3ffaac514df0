/**
 * Every command carries the person who gave it (`actor`), beside the command's own payload:
 * the workflow checks it and records it in the audit trail and the timeline (never in mail or
 * search attributes). The CLI's person is CASUS_REGISSEUR, else the OS user name
 * (runtime/config.ts `commandActor`); a front end that serves several people sets `actor` in the
 * payload itself, and that one is kept.
 */
import { commandActor } from '../runtime/config';

export function withActor<P>(payload: P, actor: () => string = () => commandActor()): P {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const given = (payload as { actor?: unknown }).actor;
  if (given !== undefined) return payload;
  return { ...payload, actor: actor() };
}
