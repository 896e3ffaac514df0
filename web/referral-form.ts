/**
 * The online aanmeldformulier: every field of Bijlage 1 and the questions of the aanmeldroute
 * (SPEC §3), as one HTML form that works without JavaScript. The form's fields are named after
 * the paths of the referral (`referrer.email`, `partners.1.email`), so the problems of the
 * referral's own zod schema (domain/referral.ts, the same check as `casus aanmelden`) land at
 * their field. Rows of parents, life domains and partners: a button adds one (the page comes
 * back with everything typed); empty rows are left out.
 */
import {
  button,
  errorSummary,
  esc,
  fieldset,
  FieldError,
  h1,
  Html,
  p,
  radioGroup,
  selectField,
  textField,
} from './html';

export type FormValues = Record<string, string>;

export const ROW_GROUPS = {
  parents: { min: 1, max: 10, label: 'ouder of verzorger' },
  lifeDomains: { min: 2, max: 20, label: 'leefgebied' },
  partners: { min: 2, max: 50, label: 'ketenpartner' },
} as const;
export type RowGroup = keyof typeof ROW_GROUPS;

const ROW_FIELDS: Record<RowGroup, string[]> = {
  parents: ['name', 'postalAddress', 'email'],
  lifeDomains: ['domain', 'description'],
  partners: ['organisation', 'contactName', 'email', 'legalBasis.ground', 'legalBasis.reason'],
};

export const fieldId = (name: string) => `f-${name.replace(/\./g, '-')}`;

/** How many rows of each group the form shows (kept in hidden fields; "meer-…" adds one). */
export function rowCounts(values: FormValues, add?: string): Record<RowGroup, number> {
  const out = {} as Record<RowGroup, number>;
  for (const g of Object.keys(ROW_GROUPS) as RowGroup[]) {
    const given = Number.parseInt(values[`_rijen.${g}`] ?? '', 10);
    const { min, max } = ROW_GROUPS[g];
    let n = Number.isFinite(given) ? Math.min(Math.max(given, min), max) : min;
    if (add === `meer-${g}` && n < max) n += 1;
    out[g] = n;
  }
  return out;
}

/** Only the form's own fields, as strings (anything else is dropped; size limits hold per field). */
export function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.]{0,60}$/.test(k)) continue;
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string') out[k] = s.slice(0, 5000);
  }
  return out;
}

const yesNo = (v: string | undefined) => (v === 'ja' ? true : v === 'nee' ? false : undefined);
const opt = (v: string | undefined) => (v !== undefined && v.trim() !== '' ? v : undefined);

/**
 * The referral as the CLI reads it from YAML, built from the form; `rows` maps each kept row back
 * to the row of the form it came from (empty rows are left out), so a problem lands at its field.
 */
export function referralFromForm(v: FormValues): {
  input: Record<string, unknown>;
  rows: Record<RowGroup, number[]>;
} {
  const counts = rowCounts(v);
  const rows = { parents: [], lifeDomains: [], partners: [] } as Record<RowGroup, number[]>;
  const group = (g: RowGroup) => {
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < counts[g]; i++) {
      const get = (f: string) => opt(v[`${g}.${i}.${f}`]);
      if (!ROW_FIELDS[g].some((f) => get(f) !== undefined)) continue;
      rows[g].push(i);
      if (g === 'parents')
        items.push({ name: get('name') ?? '', postalAddress: get('postalAddress'), email: get('email') });
      if (g === 'lifeDomains')
        items.push({ domain: get('domain') ?? '', description: get('description') ?? '' });
      if (g === 'partners')
        items.push({
          organisation: get('organisation') ?? '',
          contactName: get('contactName') ?? '',
          email: get('email') ?? '',
          legalBasis: { ground: get('legalBasis.ground'), reason: get('legalBasis.reason') },
        });
    }
    return items;
  };
  const input: Record<string, unknown> = {
    caseNumber: opt(v.caseNumber),
    municipality: v.municipality ?? '',
    route: opt(v.route),
    referralDate: v.referralDate ?? '',
    acute: v.acute === 'ja',
    groupLabel: opt(v.groupLabel),
    referrer: {
      organisation: v['referrer.organisation'] ?? '',
      organisationType: opt(v['referrer.organisationType']),
      contactName: v['referrer.contactName'] ?? '',
      email: v['referrer.email'] ?? '',
      phone: v['referrer.phone'] ?? '',
      cjgCoachAdvice: yesNo(v['referrer.cjgCoachAdvice']),
    },
    youngPerson: {
      firstName: v['youngPerson.firstName'] ?? '',
      lastName: v['youngPerson.lastName'] ?? '',
      dateOfBirth: v['youngPerson.dateOfBirth'] ?? '',
    },
    parents: group('parents'),
    lifeDomains: group('lifeDomains'),
    partners: group('partners'),
    whatIsGoingOn: v.whatIsGoingOn ?? '',
    whatWasTried: v.whatWasTried ?? '',
    breakthroughNeeded: v.breakthroughNeeded ?? '',
    naturalDirector: {
      kind: opt(v['naturalDirector.kind']),
      contacted: yesNo(v['naturalDirector.contacted']),
      canReachBreakthrough: opt(v['naturalDirector.canReachBreakthrough']),
    },
  };
  return { input: JSON.parse(JSON.stringify(input)) as Record<string, unknown>, rows };
}

/** Every field name the form shows (for mapping a problem's path to the nearest field). */
function fieldNames(counts: Record<RowGroup, number>): string[] {
  const names = [
    'caseNumber',
    'municipality',
    'route',
    'referralDate',
    'acute',
    'groupLabel',
    'referrer.organisation',
    'referrer.organisationType',
    'referrer.cjgCoachAdvice',
    'referrer.contactName',
    'referrer.email',
    'referrer.phone',
    'youngPerson.firstName',
    'youngPerson.lastName',
    'youngPerson.dateOfBirth',
  ];
  for (const g of Object.keys(ROW_GROUPS) as RowGroup[])
    for (let i = 0; i < counts[g]; i++) names.push(...ROW_FIELDS[g].map((f) => `${g}.${i}.${f}`));
  names.push(
    'whatIsGoingOn',
    'whatWasTried',
    'breakthroughNeeded',
    'naturalDirector.kind',
    'naturalDirector.contacted',
    'naturalDirector.canReachBreakthrough',
  );
  return names;
}

/**
 * The form field of a problem's path: the path itself, with each row index mapped back to the
 * form's row; a path of a whole group or row goes to its first field (a partner's derived id to its organisation).
 */
export function fieldOfPath(
  path: string,
  rows: Record<RowGroup, number[]>,
  counts: Record<RowGroup, number>,
): string {
  const parts = path.split('.');
  const g = parts[0] as RowGroup;
  if (g in ROW_GROUPS) {
    const kept = parts[1] !== undefined ? rows[g][Number(parts[1])] : undefined;
    const row = kept ?? 0;
    const rest = parts.slice(2).join('.');
    const field = ROW_FIELDS[g].includes(rest)
      ? rest
      : (ROW_FIELDS[g].find((f) => rest && f.startsWith(`${rest}.`)) ?? ROW_FIELDS[g][0]);
    return `${g}.${row}.${field}`;
  }
  const names = fieldNames(counts);
  if (names.includes(path)) return path;
  return names.find((n) => n.startsWith(`${path}.`)) ?? names[0];
}

const ROUTES: [string, string][] = [
  ['direct', 'Rechtstreeks bij de netwerkregisseur'],
  ['mjo', 'Via het MJO'],
  ['jeugdoverleg', 'Via het Jeugdoverleg'],
  ['vios', 'Via VIOS'],
];
const GROUNDS: [string, string][] = [
  ['', 'Kies de grondslag'],
  ['convenant-jeugd-veiligheid', 'Convenant Jeugd en Veiligheid'],
  ['convenant-school', 'Convenant Veilig in en om de school'],
  ['anders', 'Anders (met schriftelijke reden)'],
];

export interface FormRender {
  values: FormValues;
  counts: Record<RowGroup, number>;
  /** Problems by field name. */
  errors: Record<string, string>;
  /** Problems in the order of the schema, for the summary. */
  summary: FieldError[];
  municipalities: [string, string][];
  csrf: string;
  /** One id per filled-in form, so sending it twice starts one case. */
  formId: string;
  notice?: Html;
}

export function renderReferralForm(r: FormRender): Html {
  const v = r.values;
  const f = (name: string, label: string, extra: Partial<Parameters<typeof textField>[0]> = {}) =>
    textField({ id: fieldId(name), name, label, value: v[name], error: r.errors[name], ...extra });
  const radios = (
    name: string,
    label: string,
    options: [string, string][],
    extra: { hint?: string; optional?: boolean } = {},
  ) =>
    radioGroup({ id: fieldId(name), name, label, options, value: v[name], error: r.errors[name], ...extra });
  const rowsOf = (g: RowGroup, render: (i: number) => Html) =>
    Array.from({ length: r.counts[g] }, (_, i) => `<div class="casus-row">${render(i)}</div>`).join('\n');
  const yesNoOptions: [string, string][] = [
    ['ja', 'Ja'],
    ['nee', 'Nee'],
  ];

  const body = `${h1('Een casus aanmelden bij de netwerkregisseur Jeugd & Veiligheid')}
${r.notice ?? ''}
${errorSummary(r.summary)}
${p('Iedere professional mag een casus aanmelden van een jongere van 12 tot en met 23 jaar (en het gezin) als de gewone keten van zorg en veiligheid geen doorbraak bereikt. Dit formulier is het aanmeldformulier (Bijlage 1) met de vragen van de aanmeldroute. De netwerkregisseur neemt contact met u op om de aanmelding te bespreken.')}
<form method="post" action="/aanmelden" novalidate accept-charset="utf-8">
<input type="hidden" name="_csrf" value="${esc(r.csrf)}">
<input type="hidden" name="_formulier" value="${esc(r.formId)}">
${(Object.keys(ROW_GROUPS) as RowGroup[]).map((g) => `<input type="hidden" name="_rijen.${g}" value="${r.counts[g]}">`).join('\n')}
${fieldset(
  'Aanmelding',
  [
    selectField({
      id: fieldId('municipality'),
      name: 'municipality',
      label: 'Gemeente van de jongere',
      options: [['', 'Kies de gemeente'], ...r.municipalities],
      value: v.municipality,
      error: r.errors.municipality,
    }),
    radios('route', 'Langs welke weg komt de aanmelding?', ROUTES),
    f('referralDate', 'Datum van de aanmelding', { hint: 'Bijvoorbeeld 20-11-2026', width: 'kort' }),
    radios('acute', 'Is de situatie acuut?', yesNoOptions, {
      hint: 'Bij een acute casus is het eerste overleg binnen een week.',
      optional: true,
    }),
    f('caseNumber', 'Casusnummer', {
      optional: true,
      hint: 'Laat leeg: de casus krijgt dan een nummer, zoals BEV-2027-0012.',
      width: 'kort',
    }),
    f('groupLabel', 'Groep', {
      optional: true,
      hint: 'Alleen als de jongere bij een groep hoort die samen wordt aangepakt: een code van de groep of de wijk, zoals grensgroep of wijk-oost-2027 (kleine letters, cijfers en streepjes), nooit namen van personen.',
    }),
  ].join('\n'),
)}
${fieldset(
  'Aanmelder',
  [
    f('referrer.organisation', 'Organisatie', { autocomplete: 'organization' }),
    radios('referrer.organisationType', 'Soort organisatie', [
      ['school', 'School'],
      ['anders', 'Andere organisatie'],
    ]),
    radios(
      'referrer.cjgCoachAdvice',
      'Alleen voor een school: heeft u advies gevraagd aan de CJG-coach in het Kernteam?',
      yesNoOptions,
      {
        optional: true,
        hint: 'Een school vraagt eerst advies aan de CJG-coach voordat zij aanmeldt.',
      },
    ),
    f('referrer.contactName', 'Naam contactpersoon', { autocomplete: 'name' }),
    f('referrer.email', 'E-mailadres contactpersoon', { type: 'email', autocomplete: 'email' }),
    f('referrer.phone', 'Telefoonnummer contactpersoon', { type: 'tel', autocomplete: 'tel', width: 'kort' }),
  ].join('\n'),
)}
${fieldset(
  'Jongere',
  [
    f('youngPerson.firstName', 'Voornaam', { autocomplete: 'off' }),
    f('youngPerson.lastName', 'Achternaam', { autocomplete: 'off' }),
    f('youngPerson.dateOfBirth', 'Geboortedatum', {
      hint: 'Bijvoorbeeld 14-05-2011',
      width: 'kort',
      autocomplete: 'off',
    }),
  ].join('\n'),
)}
${fieldset(
  'Ouders of verzorgers',
  `${p('Voor de brief aan de ouders: een postadres of een e-mailadres van elke ouder of verzorger.')}
${rowsOf(
  'parents',
  (i) =>
    `${f(`parents.${i}.name`, `Naam ouder of verzorger ${i + 1}`, { optional: true, autocomplete: 'off' })}
${f(`parents.${i}.postalAddress`, `Postadres ouder of verzorger ${i + 1}`, { optional: true, multiline: true, autocomplete: 'off' })}
${f(`parents.${i}.email`, `E-mailadres ouder of verzorger ${i + 1}`, { optional: true, type: 'email', autocomplete: 'off' })}`,
)}
<div class="casus-actions">${button('Nog een ouder of verzorger toevoegen', { name: '_actie', value: 'meer-parents', secondary: true })}</div>`,
)}
${fieldset(
  'De casus per leefgebied',
  `${p('Beschrijf kort per leefgebied (bijvoorbeeld school, thuis, vrije tijd, gezondheid) wat er speelt. Minstens één leefgebied.')}
${rowsOf(
  'lifeDomains',
  (i) =>
    `${f(`lifeDomains.${i}.domain`, `Leefgebied ${i + 1}`, { optional: i > 0 })}
${f(`lifeDomains.${i}.description`, `Beschrijving leefgebied ${i + 1}`, { optional: i > 0, multiline: true })}`,
)}
<div class="casus-actions">${button('Nog een leefgebied toevoegen', { name: '_actie', value: 'meer-lifeDomains', secondary: true })}</div>`,
)}
${fieldset(
  'Betrokken ketenpartners',
  `${p('De andere organisaties die bij de jongere of het gezin betrokken zijn, met een contactpersoon en de grondslag waarop gegevens met hen worden gedeeld.')}
${rowsOf(
  'partners',
  (i) =>
    `${f(`partners.${i}.organisation`, `Organisatie partner ${i + 1}`, { optional: true })}
${f(`partners.${i}.contactName`, `Contactpersoon partner ${i + 1}`, { optional: true })}
${f(`partners.${i}.email`, `E-mailadres partner ${i + 1}`, { optional: true, type: 'email' })}
${selectField({ id: fieldId(`partners.${i}.legalBasis.ground`), name: `partners.${i}.legalBasis.ground`, label: `Grondslag partner ${i + 1}`, options: GROUNDS, value: v[`partners.${i}.legalBasis.ground`], error: r.errors[`partners.${i}.legalBasis.ground`], optional: true })}
${f(`partners.${i}.legalBasis.reason`, `Reden bij grondslag "anders", partner ${i + 1}`, { optional: true })}`,
)}
<div class="casus-actions">${button('Nog een ketenpartner toevoegen', { name: '_actie', value: 'meer-partners', secondary: true })}</div>`,
)}
${fieldset(
  'De situatie',
  [
    f('whatIsGoingOn', 'Wat is er aan de hand?', { multiline: true }),
    f('whatWasTried', 'Wat is er al ingezet, en met welk effect?', { multiline: true }),
    f('breakthroughNeeded', 'Waarop heeft u een doorbraak nodig?', { multiline: true }),
  ].join('\n'),
)}
${fieldset(
  'Aanmeldroute: de natuurlijke regisseur',
  [
    radios('naturalDirector.kind', 'Is er een natuurlijke regisseur?', [
      ['zvh', 'Zorg- en Veiligheidshuis (strafrechtelijke component)'],
      ['gi', 'Gecertificeerde instelling (maatregel van de rechter)'],
      ['cjg', 'CJG (vrijwillige hulp)'],
      ['geen', 'Nee, er is geen natuurlijke regisseur'],
    ]),
    radios('naturalDirector.contacted', 'Heeft u contact gehad met de natuurlijke regisseur?', yesNoOptions, {
      optional: true,
    }),
    radios(
      'naturalDirector.canReachBreakthrough',
      'Kan de natuurlijke regisseur de doorbraak zelf bereiken?',
      [
        ['ja', 'Ja'],
        ['nee', 'Nee'],
        ['onbekend', 'Onbekend'],
      ],
      { optional: true, hint: 'Kan hij dat wel, dan gaat u verder met de natuurlijke regisseur.' },
    ),
  ].join('\n'),
)}
<div class="casus-actions">${button('Aanmelding versturen', { name: '_actie', value: 'versturen' })}</div>
</form>`;
  return body;
}
