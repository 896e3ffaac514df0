import type { MunicipalityContacts } from '../../domain/contacts';
import { dutchDate } from '../mail/format';

export interface ParentsLetterInput {
  caseNumber: string;
  initials: string;
  /** Whom the letter is addressed to: the parents, or the young person of 18 or older. */
  addressee: string;
  youngAdult: boolean;
  /** ISO date of the letter (the day the aanmelding was aangenomen). */
  date: string;
  municipality: MunicipalityContacts;
}

/** The text of the parents' letter (R5), paragraph by paragraph; the PDF lays it out. */
export function parentsLetterText(input: ParentsLetterInput): {
  heading: string[];
  paragraphs: string[];
  closing: string[];
} {
  const m = input.municipality;
  const r = m.regisseur;
  const u = input.youngAdult
    ? { you: 'je', your: 'jouw', child: 'jou', youCap: 'Je', family: 'jou en de mensen om je heen' }
    : { you: 'u', your: 'uw', child: 'uw kind', youCap: 'U', family: 'uw kind en uw gezin' };
  return {
    heading: [
      `Gemeente ${m.name}`,
      'Netwerkregisseur Jeugd & Veiligheid',
      '',
      `Aan: ${input.addressee}`,
      `Datum: ${dutchDate(input.date)}`,
      `Kenmerk: casus ${input.caseNumber} (${input.initials})`,
      'Betreft: aanmelding aangenomen door de netwerkregisseur Jeugd & Veiligheid',
    ],
    paragraphs: [
      `Beste ${input.addressee},`,
      input.youngAdult
        ? 'Professionals die met je te maken hebben, maken zich zorgen en vinden dat de hulp niet goed genoeg op gang komt. ' +
          'Zij hebben daarom een aanmelding gedaan bij de netwerkregisseur Jeugd & Veiligheid van de gemeente. ' +
          'Ik heb deze aanmelding aangenomen. Dat betekent dat ik vanaf nu de hulp en ondersteuning rond jou samenbreng en de regie heb.'
        : 'Professionals die betrokken zijn bij uw kind en uw gezin maken zich zorgen en vinden dat de hulp niet goed genoeg op gang komt. ' +
          'Zij hebben daarom een aanmelding gedaan bij de netwerkregisseur Jeugd & Veiligheid van de gemeente. ' +
          'Ik heb deze aanmelding aangenomen. Dat betekent dat ik vanaf nu de hulp en ondersteuning rond uw kind en uw gezin samenbreng en de regie heb.',
      'Hoe werk ik? Ik breng alle organisaties die betrokken zijn samen in een overleg, het uitvoerdersoverleg. ' +
        'Dat overleg is minstens één keer in de zes weken. Samen maken we één plan van aanpak, met doelen voor veiligheid, ' +
        `voor zorg en voor ${u.family}, en we spreken af wie wat doet. Ik houd in de gaten of iedereen doet wat is afgesproken. ` +
        `Ik blijf ook met ${u.you === 'je' ? 'jou' : 'u en uw kind'} in gesprek; ik neem daarvoor binnenkort contact met ${u.you} op, ` +
        'en kom graag een keer langs.',
      `Wat is het doel? Het doel is dat de hulp voor ${u.child} weer goed op gang komt en aansluit bij wat nodig is, ` +
        'zodat er een doorbraak komt. Daarna gaat de regie terug naar de gewone hulpverlening. ' +
        'De aanpak duurt zo kort als mogelijk en maximaal negen maanden.',
      'Wat gebeurt er met gegevens? De betrokken organisaties delen alleen de informatie die nodig is om te helpen, ' +
        'op basis van de privacywet (AVG) en de afspraken die zij daarover met de gemeente hebben gemaakt (convenanten). ' +
        `${u.youCap} mag mij altijd vragen welke gegevens er zijn gedeeld en met wie.`,
      `Heeft ${u.you} vragen, of wil${u.you === 'je' ? ' je' : 't u'} iets met mij bespreken? Bel of mail mij gerust.`,
    ],
    closing: [
      'Met vriendelijke groet,',
      '',
      r.name,
      `Netwerkregisseur Jeugd & Veiligheid, gemeente ${m.name}`,
      `Telefoon: ${r.phone}`,
      `E-mail: ${r.email}`,
    ],
  };
}

/** The parents' letter (R5) as a PDF document. */
export async function renderParentsLetter(input: ParentsLetterInput): Promise<Buffer> {
  // pdfkit (fonts, compression) is loaded at the first letter, not when the worker starts.
  const { default: PDFDocument } = await import('pdfkit');
  const text = parentsLetterText(input);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 64,
    lang: 'nl-NL',
    info: {
      Title: `Brief netwerkregisseur Jeugd & Veiligheid, casus ${input.caseNumber}`,
      Author: `Netwerkregisseur Jeugd & Veiligheid, gemeente ${input.municipality.name}`,
      Subject: 'Aanmelding aangenomen',
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(13).text(text.heading[0]);
  doc.font('Helvetica').fontSize(11);
  for (const line of text.heading.slice(1)) doc.text(line || ' ');
  doc.moveDown(1.5);
  for (const p of text.paragraphs) {
    doc.text(p, { align: 'left', lineGap: 2 });
    doc.moveDown(0.8);
  }
  doc.moveDown(0.5);
  for (const line of text.closing) doc.text(line || ' ');
  doc.end();
  return done;
}
