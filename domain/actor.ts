/**
 * Who gave a command: the person behind the CLI or the client library (a configured regisseur
 * identity, or the user name of the operating system). Pure, so the workflow checks it with the
 * same rule as the client and the configuration: a short name, normalised (Unicode NFC, single
 * spaces), of letters, digits, space and . _ - @ only.
 */

export const ACTOR_MAX_LENGTH = 64;

/** Timers, reminders and signals are recorded as "systeem": no person may carry that name. */
export const SYSTEM_ACTOR = 'systeem';

/** Commands without an actor (clients before actors were sent, recorded histories). */
export const DEFAULT_ACTOR = 'regisseur';

const ALLOWED = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} ._@-]*$/u;

export type ActorCheck = { ok: true; actor: string } | { ok: false; problem: string };

/** Normalises and checks an actor; the problem is a Dutch line that does not echo the value. */
export function checkActor(value: unknown): ActorCheck {
  if (typeof value !== 'string') {
    return { ok: false, problem: 'verwacht de naam of gebruikersnaam van wie de opdracht geeft, als tekst' };
  }
  const actor = value.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (actor === '') return { ok: false, problem: 'mag niet leeg zijn' };
  if (actor.length > ACTOR_MAX_LENGTH) return { ok: false, problem: `hoogstens ${ACTOR_MAX_LENGTH} tekens` };
  if (!ALLOWED.test(actor)) {
    return {
      ok: false,
      problem: 'alleen letters, cijfers, spatie en . _ - @ (beginnend met een letter of cijfer)',
    };
  }
  if (actor.toLowerCase() === SYSTEM_ACTOR) {
    return {
      ok: false,
      problem: `"${SYSTEM_ACTOR}" is voorbehouden aan Casusregie zelf (termijnen en herinneringen)`,
    };
  }
  return { ok: true, actor };
}

/**
 * Makes an actor out of a name that may not follow the rule (an OS user name such as
 * "DOMAIN\\jan"): characters outside the rule become "_", bounded in length. Undefined when
 * nothing usable is left.
 */
export function actorFrom(name: string): string | undefined {
  const cleaned = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N} ._@-]/gu, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .slice(0, ACTOR_MAX_LENGTH)
    .trim();
  const checked = checkActor(cleaned);
  return checked.ok ? checked.actor : undefined;
}
