/**
 * Server-rendered HTML with the NL Design System (Utrecht component library CSS and design
 * tokens, served from node_modules by this process): a page layout with a skip link, form
 * fields that carry their description and error message (aria-describedby, aria-invalid), and
 * an error summary that links to each wrong field. No JavaScript anywhere.
 */

export function esc(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}

/** Marks a string as HTML already (built from escaped parts). */
export type Html = string;

export function page(opts: { title: string; body: Html; error?: boolean }): Html {
  const title = `${opts.error ? 'Fout: ' : ''}${opts.title} — Casusregie`;
  return `<!doctype html>
<html lang="nl" class="utrecht-theme">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${esc(title)}</title>
<link rel="stylesheet" href="/css/design-tokens.css">
<link rel="stylesheet" href="/css/component-library.css">
<link rel="stylesheet" href="/css/casusregie.css">
</head>
<body class="utrecht-page-body utrecht-document">
<a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#inhoud">Naar de inhoud</a>
<div class="utrecht-page-layout">
<header class="utrecht-page-header casus-header">
<p class="casus-brand">Casusregie Jeugd &amp; Veiligheid</p>
</header>
<main class="utrecht-page-content casus-main" id="inhoud">
${opts.body}
</main>
<footer class="utrecht-page-footer casus-footer">
<p class="utrecht-paragraph">Netwerkregisseur Jeugd &amp; Veiligheid · gemeenten Beverwijk en Heemskerk. Deze site gebruikt geen cookies behalve één voor de beveiliging van formulieren.</p>
</footer>
</div>
</body>
</html>`;
}

export const h1 = (text: string) => `<h1 class="utrecht-heading-1">${esc(text)}</h1>`;
export const h2 = (text: string, id?: string) =>
  `<h2 class="utrecht-heading-2"${id ? ` id="${esc(id)}"` : ''}>${esc(text)}</h2>`;
export const p = (text: string) => `<p class="utrecht-paragraph">${esc(text)}</p>`;
export const list = (items: string[]) =>
  `<ul class="utrecht-unordered-list">${items.map((i) => `<li class="utrecht-unordered-list__item">${esc(i)}</li>`).join('')}</ul>`;

/** An alert: ok, info, warning or error. */
export function alert(kind: 'ok' | 'info' | 'warning' | 'error', heading: string, body: Html): Html {
  return `<div class="utrecht-alert utrecht-alert--${kind}" role="${kind === 'error' ? 'alert' : 'status'}">
<div class="utrecht-alert__content"><div class="utrecht-alert__message">
<p class="utrecht-paragraph"><strong>${esc(heading)}</strong></p>${body}</div></div></div>`;
}

export interface FieldError {
  id: string;
  message: string;
}

/** The error summary at the top: every problem, each a link to its field. */
export function errorSummary(errors: FieldError[]): Html {
  if (errors.length === 0) return '';
  return `<div class="utrecht-alert utrecht-alert--error casus-error-summary" role="alert" aria-labelledby="foutoverzicht-titel">
<div class="utrecht-alert__content"><div class="utrecht-alert__message">
<h2 class="utrecht-heading-2" id="foutoverzicht-titel">${errors.length === 1 ? 'Er is 1 fout' : `Er zijn ${errors.length} fouten`} in het formulier</h2>
<p class="utrecht-paragraph">Wat u invulde, is bewaard. Verbeter wat hieronder staat en verstuur het formulier opnieuw.</p>
<ul class="utrecht-unordered-list">${errors
    .map(
      (e) =>
        `<li class="utrecht-unordered-list__item"><a class="utrecht-link utrecht-link--html-a" href="#${esc(e.id)}">${esc(e.message)}</a></li>`,
    )
    .join('')}</ul></div></div></div>`;
}

interface FieldCommon {
  id: string;
  name: string;
  label: string;
  hint?: string;
  error?: string;
  optional?: boolean;
}

function describedBy(f: FieldCommon): string {
  const ids = [f.hint ? `${f.id}-hint` : '', f.error ? `${f.id}-error` : ''].filter(Boolean);
  return ids.length ? ` aria-describedby="${ids.join(' ')}"` : '';
}

function labelText(f: FieldCommon) {
  return `${esc(f.label)}${f.optional ? ' <span class="casus-optional">(niet verplicht)</span>' : ''}`;
}

function fieldParts(f: FieldCommon) {
  return {
    hint: f.hint
      ? `<div class="utrecht-form-field-description" id="${esc(f.id)}-hint">${esc(f.hint)}</div>`
      : '',
    error: f.error
      ? `<div class="utrecht-form-field-error-message" id="${esc(f.id)}-error"><span class="casus-visually-hidden">Fout: </span>${esc(f.error)}</div>`
      : '',
    aria: `${describedBy(f)}${f.error ? ' aria-invalid="true"' : ''}${f.optional ? '' : ' aria-required="true"'}`,
  };
}

export function textField(
  f: FieldCommon & {
    value?: string;
    type?: 'text' | 'email' | 'tel';
    autocomplete?: string;
    multiline?: boolean;
    width?: 'kort' | 'lang';
  },
): Html {
  const parts = fieldParts(f);
  const invalid = f.error ? ' utrecht-form-field--invalid' : '';
  const control = f.multiline
    ? `<textarea class="utrecht-textarea utrecht-textarea--html-textarea${f.error ? ' utrecht-textarea--invalid' : ''}" id="${esc(f.id)}" name="${esc(f.name)}" rows="4"${parts.aria}>${esc(f.value)}</textarea>`
    : `<input class="utrecht-textbox utrecht-textbox--html-input${f.error ? ' utrecht-textbox--invalid' : ''}${f.width === 'kort' ? ' casus-short' : ''}" id="${esc(f.id)}" name="${esc(f.name)}" type="${f.type ?? 'text'}" value="${esc(f.value)}"${f.autocomplete ? ` autocomplete="${esc(f.autocomplete)}"` : ''}${parts.aria}>`;
  return `<div class="utrecht-form-field utrecht-form-field--text${invalid}">
<div class="utrecht-form-field__label"><label class="utrecht-form-label" for="${esc(f.id)}">${labelText(f)}</label></div>
${parts.hint}${parts.error}<div class="utrecht-form-field__input">${control}</div></div>`;
}

export function selectField(f: FieldCommon & { value?: string; options: [string, string][] }): Html {
  const parts = fieldParts(f);
  return `<div class="utrecht-form-field utrecht-form-field--text${f.error ? ' utrecht-form-field--invalid' : ''}">
<div class="utrecht-form-field__label"><label class="utrecht-form-label" for="${esc(f.id)}">${labelText(f)}</label></div>
${parts.hint}${parts.error}<div class="utrecht-form-field__input"><select class="utrecht-select utrecht-select--html-select${f.error ? ' utrecht-select--invalid' : ''}" id="${esc(f.id)}" name="${esc(f.name)}"${parts.aria}>
${f.options.map(([v, l]) => `<option value="${esc(v)}"${v === (f.value ?? '') ? ' selected' : ''}>${esc(l)}</option>`).join('')}
</select></div></div>`;
}

/** Radio buttons in a fieldset with a legend; the error and hint belong to the group. */
export function radioGroup(f: FieldCommon & { value?: string; options: [string, string][] }): Html {
  const parts = fieldParts(f);
  return `<div class="utrecht-form-field utrecht-form-field--radio${f.error ? ' utrecht-form-field--invalid' : ''}">
<fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset"${describedBy(f)}${f.error ? ' aria-invalid="true"' : ''}>
<legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">${labelText(f)}</legend>
${parts.hint}${parts.error}
${f.options
  .map(
    ([v, l], i) =>
      `<div class="utrecht-form-field utrecht-form-field--radio casus-radio"><input class="utrecht-radio-button utrecht-radio-button--html-input${f.error ? ' utrecht-radio-button--invalid' : ''}" type="radio" id="${esc(i === 0 ? f.id : `${f.id}-${i}`)}" name="${esc(f.name)}" value="${esc(v)}"${v === f.value ? ' checked' : ''}>
<label class="utrecht-form-label utrecht-form-label--radio-button" for="${esc(i === 0 ? f.id : `${f.id}-${i}`)}">${esc(l)}</label></div>`,
  )
  .join('\n')}
</fieldset></div>`;
}

export function fieldset(legend: string, body: Html, id?: string): Html {
  return `<fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset casus-section"${id ? ` id="${esc(id)}"` : ''}>
<legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend"><span class="utrecht-heading-2">${esc(legend)}</span></legend>
${body}</fieldset>`;
}

export function button(
  label: string,
  opts: { name?: string; value?: string; secondary?: boolean } = {},
): Html {
  return `<button class="utrecht-button utrecht-button--html-button ${opts.secondary ? 'utrecht-button--secondary-action' : 'utrecht-button--primary-action'}" type="submit"${opts.name ? ` name="${esc(opts.name)}" value="${esc(opts.value ?? '')}"` : ''}>${esc(label)}</button>`;
}

/** Small additions to the NL Design System styles (layout, visually hidden text, focus). */
export const CASUS_CSS = `
.casus-main { max-inline-size: 48rem; margin-inline: auto; padding: 1rem 1.5rem 3rem; }
.casus-header, .casus-footer { padding: 1rem 1.5rem; background: #f3f3f3; color: #1a1a1a; }
.casus-footer .utrecht-paragraph { color: #1a1a1a; }
.casus-brand { font-weight: bold; margin: 0; }
.casus-section { margin-block: 2rem; }
.utrecht-form-field--radio { display: block; }
.utrecht-form-field--radio > .utrecht-form-fieldset { inline-size: 100%; min-inline-size: 0; }
.casus-radio { display: flex; gap: 0.5rem; align-items: center; margin-block: 0.25rem; }
.casus-radio > .utrecht-form-label { flex: 1 1 auto; }
.casus-optional { font-weight: normal; }
.casus-short { max-inline-size: 14rem; }
.casus-actions { display: flex; flex-wrap: wrap; gap: 1rem; margin-block: 1.5rem; }
.casus-row { border-inline-start: 4px solid #ccc; padding-inline-start: 1rem; margin-block: 1rem; }
.casus-error-summary { margin-block: 1.5rem; }
.casus-visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.utrecht-form-field-error-message { color: #b00020; font-weight: bold; }
:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
`;
