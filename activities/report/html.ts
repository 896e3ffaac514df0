/** The MT report as one HTML page, the charts inline as SVG (no scripts, no outside files). */
import type { Block, ReportContent } from './content';

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function block(b: Block): string {
  switch (b.type) {
    case 'text':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'list':
      return b.items.length === 0
        ? `<p class="leeg">${escapeHtml(b.empty)}</p>`
        : `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'table':
      return `<table><thead><tr>${b.header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
        .map(
          (r) =>
            `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`,
        )
        .join('')}</tbody></table>`;
    case 'chart':
      // The SVG comes from vega's renderer, from our own figures and labels (no typed text in it).
      return `<figure role="img" aria-label="${escapeHtml(b.title)}">${b.svg}<figcaption>${escapeHtml(b.title)}</figcaption></figure>`;
  }
}

export function renderReportHtml(content: ReportContent): string {
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>${escapeHtml(content.title)}</title>
<style>
  body { font-family: Helvetica, Arial, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #000; line-height: 1.4; }
  h1, h2 { color: #154273; }
  table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
  th, td { border-bottom: 1px solid #bbb; padding: 0.2rem 0.6rem; text-align: right; }
  th[scope="row"], thead th:first-child { text-align: left; }
  figure { margin: 0.5rem 0 1.5rem; }
  figcaption { font-size: 0.85rem; color: #555; }
</style>
</head>
<body>
<h1>${escapeHtml(content.title)}</h1>
<p>${escapeHtml(content.subtitle)}</p>
${content.intro.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${content.sections.map((s) => `<section>\n<h2>${escapeHtml(s.title)}</h2>\n${s.blocks.map(block).join('\n')}\n</section>`).join('\n')}
</body>
</html>
`;
}
