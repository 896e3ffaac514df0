/**
 * Groups: "individuele casussen of groepen" — the groepsgerichte aanpak is "gekoppeld aan de
 * persoonsgerichte aanpak" (seed 004). One casus stays one young person; a group label links
 * the cases of one group (SPEC §3). The label is set in the referral or by `casus
 * groep-instellen`, may change or be removed while the case runs, is shown in the status and is
 * the search attribute `CasusGroep` (`casus lijst --groep`, `casus groep <label>`).
 *
 * A label is a code, never personal data (docs/lifecycle.md, "Groepen"): small letters, digits
 * and hyphens ("grensgroep", "wijk-oost-2027"), and none of the case's own names, date of birth,
 * address, phone number or e-mail address (the check of privacy.ts). Search attributes are
 * readable by every administrator, so a name there would leak.
 */
import { z } from 'zod';
import type { Command } from '../case/command';
import { refuse } from '../case/command';
import { onTimeline, record } from '../case/outbox';
import { findPersonalData, PERSONAL_DATA_TEXT, type PersonalDataSource } from '../case/privacy';
import { ErrorCode, type Refusal } from '../case/terms';
import { matching, optionalText } from '../validation';

/** The form of a group label: a code of 2 to 40 small letters, digits and hyphens. */
export const GROUP_LABEL_PATTERN = /^[a-z0-9][a-z0-9-]{1,39}$/;
export const GROUP_LABEL_FORM =
  'verwacht een code van 2 tot 40 kleine letters, cijfers en streepjes, zoals "grensgroep" of "wijk-oost-2027"';

export const groupLabelSchema = matching(
  z.string({ required_error: 'ontbreekt', invalid_type_error: GROUP_LABEL_FORM }),
  GROUP_LABEL_PATTERN,
  GROUP_LABEL_FORM,
);

/** `groep-instellen`: the new label, or `null` to take the case out of its group. */
export const setGroupPayloadSchema = z.object({
  label: groupLabelSchema.nullable(),
  /** Why the label changes (kept on the timeline and in the records; not mailed). */
  note: optionalText('short', 200),
});
export type SetGroupPayload = z.input<typeof setGroupPayloadSchema>;

/**
 * What is wrong with a group label (its form, or personal data of the case in it); undefined
 * when it may be used. Never repeats what was found.
 */
export function groupLabelProblem(label: string, source: PersonalDataSource): string | undefined {
  if (!GROUP_LABEL_PATTERN.test(label)) return GROUP_LABEL_FORM;
  const found = findPersonalData(label.replace(/-/g, ' '), source);
  if (found.length === 0) return undefined;
  return `bevat ${found.map((k) => PERSONAL_DATA_TEXT[k]).join(' en ')}: een groepslabel is een code van de groep of de wijk (zoals "grensgroep"), nooit een naam of ander persoonsgegeven, want iedere beheerder kan het lezen`;
}

function labelRefusal(problem: string): Refusal {
  return refuse(ErrorCode.PERSONAL_DATA_IN_TEXT, `Groepslabel: ${problem}.`);
}

export const setGroup: Command<typeof setGroupPayloadSchema> = {
  schema: setGroupPayloadSchema,
  doing: 'Het groepslabel instellen',
  check(d, p) {
    if (p.label === null) {
      return d.status.groupLabel
        ? undefined
        : refuse(ErrorCode.INVALID_PAYLOAD, `Casus ${d.status.caseNumber} hoort bij geen groep.`);
    }
    if (p.label === d.status.groupLabel)
      return refuse(
        ErrorCode.INVALID_PAYLOAD,
        `Casus ${d.status.caseNumber} hoort al bij groep "${p.label}".`,
      );
    const problem = groupLabelProblem(p.label, d.referral);
    return problem ? labelRefusal(problem) : undefined;
  },
  apply(d, p, ctx) {
    const s = d.status;
    const before = s.groupLabel;
    if (p.label === null) delete s.groupLabel;
    else s.groupLabel = p.label;
    const text =
      p.label === null
        ? `Groepslabel "${before}" verwijderd`
        : before
          ? `Groepslabel gewijzigd van "${before}" in "${p.label}"`
          : `Groepslabel "${p.label}" ingesteld`;
    onTimeline(d, ctx, 'groep', text);
    record(d, ctx, 'groep-ingesteld', {
      groupLabel: p.label,
      ...(before ? { previous: before } : {}),
      ...(p.note ? { note: p.note } : {}),
    });
    return {
      message:
        p.label === null
          ? `Casus ${s.caseNumber} hoort niet meer bij groep "${before}".`
          : `Casus ${s.caseNumber} hoort nu bij groep "${p.label}".`,
      state: s.state,
    };
  },
};

/** The commands of this chapter, by their Update name (domain/contract.ts). */
export const groupCommands = { setGroup };
