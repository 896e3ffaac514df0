/**
 * The MT report as PDF (A4): pdfkit lays out the text and tables with its standard fonts, and
 * svg-to-pdfkit draws the charts' SVG as vector graphics (text stays text, so it can be found and
 * read in the PDF).
 */
import type SVGtoPDFType from 'svg-to-pdfkit';
import type { Block, ReportContent } from './content';

const MARGIN = 56;
const PAGE = { width: 595.28, height: 841.89 };
const WIDTH = PAGE.width - 2 * MARGIN;
const BLUE = '#154273';

/** svg-to-pdfkit, loaded with pdfkit at the first report (a worker that makes none never loads them). */
let SVGtoPDF: typeof SVGtoPDFType;

export async function renderReportPdf(content: ReportContent): Promise<Buffer> {
  const [{ default: PDFDocument }, svg] = await Promise.all([import('pdfkit'), import('svg-to-pdfkit')]);
  SVGtoPDF = svg.default;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    lang: 'nl-NL',
    bufferPages: true,
    info: {
      Title: `${content.title} (${content.subtitle})`,
      Author: 'Casusregie Jeugd & Veiligheid',
      Subject: 'Rapportage voor het Gezamenlijk MT',
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const room = (height: number) => {
    if (doc.y + height > PAGE.height - MARGIN) doc.addPage();
  };

  doc.font('Helvetica-Bold').fontSize(18).fillColor(BLUE).text(content.title);
  doc.font('Helvetica').fontSize(11).fillColor('black').text(content.subtitle);
  doc.moveDown(0.8);
  for (const p of content.intro) {
    doc.fontSize(10).text(p, { lineGap: 1 });
    doc.moveDown(0.3);
  }

  for (const section of content.sections) {
    room(80);
    doc.moveDown(0.8);
    doc.font('Helvetica-Bold').fontSize(14).fillColor(BLUE).text(section.title, MARGIN);
    doc.font('Helvetica').fontSize(10).fillColor('black');
    doc.moveDown(0.4);
    for (const block of section.blocks) drawBlock(doc, block, room);
  }

  // Page numbers, once every page exists.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Below the bottom margin: without this, pdfkit would start a new page for the footer.
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#555555')
      .text(`Pagina ${i + 1} van ${range.count}`, MARGIN, PAGE.height - MARGIN + 16, {
        width: WIDTH,
        align: 'right',
        lineBreak: false,
      });
  }
  doc.end();
  return done;
}

function drawBlock(doc: PDFKit.PDFDocument, block: Block, room: (h: number) => void): void {
  switch (block.type) {
    case 'text':
      room(30);
      doc.font('Helvetica').fontSize(10).text(block.text, MARGIN, doc.y, { width: WIDTH, lineGap: 1 });
      doc.moveDown(0.5);
      return;
    case 'list': {
      const items = block.items.length > 0 ? block.items : [block.empty];
      for (const item of items) {
        room(20);
        doc
          .font('Helvetica')
          .fontSize(10)
          .text(`•  ${item}`, MARGIN + 8, doc.y, { width: WIDTH - 8 });
        doc.moveDown(0.2);
      }
      doc.moveDown(0.4);
      return;
    }
    case 'table': {
      const cols = block.header.length;
      const first = cols > 3 ? 110 : Math.min(200, WIDTH * 0.4);
      const widths = [first, ...Array(cols - 1).fill((WIDTH - first) / (cols - 1))];
      const row = (cells: string[], bold: boolean) => {
        const height =
          Math.max(
            ...cells.map((c, i) => doc.fontSize(9).heightOfString(c || ' ', { width: widths[i] - 6 })),
          ) + 6;
        room(height);
        const y = doc.y;
        let x = MARGIN;
        doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
        cells.forEach((c, i) => {
          doc.text(c, x + 3, y + 3, { width: widths[i] - 6, align: i === 0 ? 'left' : 'right' });
          x += widths[i];
        });
        doc
          .moveTo(MARGIN, y + height)
          .lineTo(MARGIN + WIDTH, y + height)
          .lineWidth(0.5)
          .strokeColor('#bbbbbb')
          .stroke();
        doc.x = MARGIN;
        doc.y = y + height;
      };
      row(block.header, true);
      for (const r of block.rows) row(r, false);
      doc.moveDown(0.8);
      return;
    }
    case 'chart': {
      const size = svgSize(block.svg);
      const width = Math.min(WIDTH, size.width);
      const height = (size.height * width) / size.width;
      room(height + 10);
      SVGtoPDF(doc, block.svg, MARGIN, doc.y, { width, height, assumePt: true });
      doc.x = MARGIN;
      doc.y += height + 10;
      return;
    }
  }
}

function svgSize(svg: string): { width: number; height: number } {
  const w = /<svg[^>]*\swidth="([\d.]+)"/.exec(svg);
  const h = /<svg[^>]*\sheight="([\d.]+)"/.exec(svg);
  return { width: Number(w?.[1] ?? 500), height: Number(h?.[1] ?? 250) };
}
