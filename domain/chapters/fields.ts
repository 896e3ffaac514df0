/**
 * Payload fields that several chapters share: a short note, a partner's id, a moment with its
 * offset, and the conversation with the referrer (R4, and R16 for the breakthrough).
 */
import { z } from 'zod';
import { isoDate, optionalText, text } from '../validation';

/** A short note of at most `max` characters. */
export const shortNote = (max = 500) => optionalText('free', max);

/** A partner's id as given (the case knows whether it exists): one line, at most 40 characters. */
export const partnerRef = () =>
  text('short', { max: 40, min: 1, typeError: 'verwacht het id van een partner, zoals "politie"' });

/** A moment with its offset, e.g. "2027-04-12T10:00:00+02:00". */
export const isoDateTime = () =>
  z
    .string({ required_error: 'ontbreekt', invalid_type_error: 'verwacht datum en tijd' })
    .datetime({ offset: true, message: 'verwacht datum en tijd als 2027-04-12T10:00:00+02:00' });

/** R4: the regisseur discussed the case with the referrer (required) or, for R16, the breakthrough. */
export const referrerDiscussedSchema = z.object({
  on: isoDate(),
  note: shortNote(),
});
