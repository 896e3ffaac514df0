/**
 * The regisseur's other roles (seed 004) on the time-skipping server: groups ("individuele
 * casussen of groepen"), a young adult's letter, an acute referral ("Het bemiddelen en
 * interveniëren in crisissituaties") and the AVE phase going down (Bijlage 2, "Afschalen").
 */
import type { WorkflowHandle } from '@temporalio/client';
import { SEARCH_ATTRIBUTES, updates } from '../../domain/contract';
import { eventually } from '../../kit/eventually';
import { DAY } from '../../domain/duration';
import {
  accept,
  command,
  Harness,
  near,
  refusal,
  startHarness,
  status,
  stop,
  today,
  waitForSent,
} from '../../kit/case-harness';

/** A search attribute of the case as Temporal shows it; throws (for `eventually`) while it is unset. */
async function searchAttribute(
  handle: WorkflowHandle,
  key: typeof SEARCH_ATTRIBUTES.acute,
): Promise<boolean> {
  const value = (await handle.describe()).typedSearchAttributes.get(key);
  if (value === undefined) throw new Error(`${key.name} is not set yet`);
  return value;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

describe('groups: "de groepsgerichte aanpak is gekoppeld aan de persoonsgerichte aanpak"', () => {
  it('a group label from the referral is shown and searchable; the regisseur changes it during the case', async () => {
    const cn = 'TST-GROEP-1';
    const handle = await h.startCase(cn, { groupLabel: 'grensgroep' });
    await accept(h, handle);
    expect((await status(handle)).groupLabel).toBe('grensgroep');
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.groupLabel)).toBe(
      'grensgroep',
    );

    const changed = await command(handle, updates.setGroup, {
      label: 'wijk-oost-2027',
      note: 'groep gesplitst',
    });
    expect(changed.message).toBe(`Casus ${cn} hoort nu bij groep "wijk-oost-2027".`);
    const st = await status(handle);
    expect(st.groupLabel).toBe('wijk-oost-2027');
    expect(st.timeline.at(-1)?.text).toBe('Groepslabel gewijzigd van "grensgroep" in "wijk-oost-2027"');
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.groupLabel)).toBe(
      'wijk-oost-2027',
    );
    expect(h.events.some((e) => e.value.caseNumber === cn && e.value.kind === 'groep-ingesteld')).toBe(true);

    await command(handle, updates.setGroup, { label: null });
    expect((await status(handle)).groupLabel).toBeUndefined();
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.groupLabel)).toBeUndefined();
    await stop(handle);
  });

  it("a group label holding the young person's name is refused: a label is a code, never personal data", async () => {
    const cn = 'TST-GROEP-2';
    const handle = await h.startCase(cn);
    const r = await refusal(handle, updates.setGroup, { label: 'vrienden-van-sem' });
    expect(r.code).toBe('PERSONAL_DATA_IN_TEXT');
    expect(r.message).toContain('de naam van de jongere');
    expect((await status(handle)).groupLabel).toBeUndefined();
    await stop(handle);
  });
});

describe('young adults (18–23): the letter about the opschaling goes to the young adult', () => {
  const adult = async (extra: Record<string, unknown>) => {
    const referralDate = await today(h);
    return {
      referralDate,
      youngPerson: {
        firstName: 'Noor',
        lastName: 'Voorbeeld',
        dateOfBirth: `${Number(referralDate.slice(0, 4)) - 19}-01-01`,
        ...extra,
      },
    };
  };

  it('19 years old with an e-mail address: the letter goes to the young adult, not to the parents', async () => {
    const cn = 'TST-JONG-1';
    const handle = await h.startCase(cn, await adult({ email: 'noor@jongere.example' }));
    await accept(h, handle);
    const [letter] = await waitForSent(h, cn, (s) => s.kind === 'ouderbrief');
    expect(letter.to).toEqual(['jongere']);
    expect(letter.request.to).toEqual([
      { role: 'jongere', email: 'noor@jongere.example', name: 'Noor Voorbeeld' },
    ]);
    expect(letter.request.letter).toEqual({ addressee: 'Noor Voorbeeld', youngAdult: true });
    const st = await status(handle);
    expect(st.youngAdult).toEqual({ parentsAgreed: false });
    expect(h.sent(cn).filter((s) => s.kind.startsWith('ouderbrief'))).toHaveLength(1);
    const rec = h.events.find((e) => e.value.caseNumber === cn && e.value.kind === 'aanmelding-aangenomen');
    expect(rec?.value.details).toMatchObject({ youngAdult: true, parentsInformed: false });
    await stop(handle);
  });

  it('the parents are informed only when the young adult agreed, and the agreement is recorded', async () => {
    const cn = 'TST-JONG-2';
    const handle = await h.startCase(
      cn,
      await adult({ email: 'noor@jongere.example', parentsMayBeInformed: true }),
    );
    await accept(h, handle);
    const letters = await waitForSent(h, cn, (s) => s.kind === 'ouderbrief', 2);
    expect(letters.map((s) => s.to[0]).sort()).toEqual(['jongere', 'ouders-anna@ouders.example']);
    expect((await status(handle)).youngAdult).toEqual({ parentsAgreed: true });
    await stop(handle);
  });
});

describe('acute: "Het bemiddelen en interveniëren in crisissituaties"', () => {
  it('an acute referral is reminded of its assessment after 1 day and daily after, and is marked acute', async () => {
    const cn = 'TST-ACUUT-1';
    const handle = await h.startCase(cn, { acute: true });
    const t0 = await h.now();
    // The mark in lists (CasusAcuut), once the case's first step has run.
    expect(await eventually(() => searchAttribute(handle, SEARCH_ATTRIBUTES.acute))).toBe(true);
    await h.env.sleep(2 * DAY + 3_600_000);
    const reminders = await waitForSent(h, cn, (s) => s.kind === 'beoordeling-herinnering', 2);
    expect(near(reminders[0].at, t0 + DAY)).toBe(true);
    expect(near(reminders[1].at, t0 + 2 * DAY)).toBe(true);
    await stop(handle);
  });

  it('a referral that is not acute still waits 5 days, and is not marked', async () => {
    const cn = 'TST-ACUUT-2';
    const handle = await h.startCase(cn);
    expect(await eventually(() => searchAttribute(handle, SEARCH_ATTRIBUTES.acute))).toBe(false);
    await h.env.sleep(2 * DAY);
    expect(h.sent(cn).filter((s) => s.kind === 'beoordeling-herinnering')).toEqual([]);
    await stop(handle);
  });
});

describe('AVE down: Bijlage 2 "Afschalen" ("Hulp is effectief", "Maatregelen genomen", "Situatie is onder controle")', () => {
  it('a lower phase without the afschaal questions is refused naming them; with them it is recorded', async () => {
    const cn = 'TST-AVE-OMLAAG';
    const handle = await h.startCase(cn);
    await accept(h, handle, { avePhase: 4, aveReasons: { publicUnrest: true } });
    const r = await refusal(handle, updates.setAvePhase, { phase: 3 });
    expect(r).toEqual({
      code: 'INVALID_PAYLOAD',
      message:
        'De AVE-fase gaat omlaag van 4 naar 3: beantwoord de afschaalvragen van het AVE-model (Bijlage 2) met ja of nee. Ontbreekt: "Maatregelen genomen" (--maatregelen-genomen ja|nee), "Situatie is onder controle" (--onder-controle ja|nee).',
    });
    expect((await status(handle)).ave.phase).toBe(4);

    await command(handle, updates.setAvePhase, {
      phase: 3,
      afschaal: { measuresTaken: true, situationUnderControl: true },
    });
    const st = await status(handle);
    expect(st.ave.phase).toBe(3);
    expect(st.ave.history.at(-1)?.afschaal).toEqual({ measuresTaken: true, situationUnderControl: true });
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.avePhase)).toBe(3);
    await stop(handle);
  });
});
