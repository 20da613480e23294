// `node --import tsx scripts/make-sample-contract.ts`: writes samples/contract.pdf (2 pages, "Contrato de prestación de
// servicios") and samples/conditions.pdf (1 page, "Condiciones generales"), the made-up documents the README
// walkthrough uploads. Standard fonts only (WinAnsi covers á é í ó ú ñ ü ¿ ¡ º €), fixed dates, so the same script
// always writes the same bytes and the committed files can be checked against it.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';

const FIXED_DATE = new Date('2026-01-15T09:00:00Z');
const A4: [number, number] = [595.28, 841.89];
const MARGIN = 64;
const GREY = rgb(0.35, 0.35, 0.35);
const PROVIDER = 'ACME SERVICIOS ENERGÉTICOS, S.L. (sociedad ficticia, NIF B00000000)';
const FOOTER = 'Documento de ejemplo de Testigo: partes y datos ficticios.';

type Block = { kind: 'title' | 'heading' | 'paragraph' | 'small'; text: string } | { kind: 'gap'; points: number } | { kind: 'page' } | { kind: 'signatures' };

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  italic: PDFFont;
}

const CONTRACT: Block[] = [
  { kind: 'title', text: 'CONTRATO DE PRESTACIÓN DE SERVICIOS' },
  { kind: 'small', text: 'Referencia C-2026-0042 · Madrid, a la fecha de la firma electrónica' },
  { kind: 'heading', text: 'REUNIDOS' },
  { kind: 'paragraph', text: `De una parte, ${PROVIDER}, con domicilio en Calle Ejemplo 1, 28000 Madrid, en adelante «el Prestador».` },
  {
    kind: 'paragraph',
    text: 'De otra parte, la persona cuyos datos de identificación constan en el proceso de firma asociado a este documento, en adelante «el Cliente».',
  },
  { kind: 'paragraph', text: 'Ambas partes se reconocen capacidad suficiente para contratar y, a tal efecto,' },
  { kind: 'heading', text: 'EXPONEN' },
  { kind: 'paragraph', text: 'I. Que el Prestador se dedica al asesoramiento y mantenimiento de instalaciones energéticas domésticas.' },
  { kind: 'paragraph', text: 'II. Que el Cliente desea contratar dichos servicios para su vivienda habitual, con arreglo a las siguientes' },
  { kind: 'heading', text: 'CLÁUSULAS' },
  {
    kind: 'paragraph',
    text: 'Primera. Objeto. El Prestador realizará una revisión anual de la instalación, atenderá las averías que el Cliente comunique y le informará de las mejoras de eficiencia disponibles.',
  },
  {
    kind: 'paragraph',
    text: 'Segunda. Duración. El contrato dura doce meses desde su firma y se renueva por periodos iguales salvo que una de las partes comunique lo contrario con un mes de antelación.',
  },
  {
    kind: 'paragraph',
    text: 'Tercera. Precio. El Cliente abonará 9,90 € al mes, IVA incluido, mediante domiciliación bancaria. Las intervenciones fuera del objeto se presupuestarán por escrito antes de realizarse.',
  },
  {
    kind: 'paragraph',
    text: 'Cuarta. Obligaciones del Prestador. Atender las averías en un plazo máximo de 48 horas laborables, con personal cualificado y materiales homologados, y garantizar sus trabajos durante seis meses.',
  },
  { kind: 'page' },
  {
    kind: 'paragraph',
    text: 'Quinta. Obligaciones del Cliente. Facilitar el acceso a la instalación en la fecha acordada y comunicar cualquier cambio en sus datos de contacto.',
  },
  {
    kind: 'paragraph',
    text: 'Sexta. Desistimiento. El Cliente puede desistir del contrato en los catorce días naturales siguientes a su firma, sin indicar el motivo y sin coste alguno, comunicándolo por cualquier medio que deje constancia.',
  },
  {
    kind: 'paragraph',
    text: 'Séptima. Protección de datos. El Prestador tratará los datos del Cliente solo para ejecutar este contrato, durante su vigencia y los plazos legales de conservación. El Cliente puede ejercer sus derechos de acceso, rectificación, supresión, oposición, limitación y portabilidad en privacidad@acme.example.',
  },
  {
    kind: 'paragraph',
    text: 'Octava. Firma electrónica. Las partes aceptan que este contrato se firme electrónicamente por WhatsApp: el Cliente confirma haber recibido y revisado los documentos, acepta las condiciones e introduce un código de un solo uso enviado a su teléfono. El proceso queda registrado como evidencia y el documento se sella electrónicamente para garantizar su integridad.',
  },
  {
    kind: 'paragraph',
    text: 'Novena. Ley aplicable y jurisdicción. El contrato se rige por la legislación española. Para cualquier controversia serán competentes los juzgados y tribunales del domicilio del Cliente.',
  },
  { kind: 'paragraph', text: 'Y en prueba de conformidad, las partes firman el presente contrato en la fecha que consta en el sello electrónico.' },
  { kind: 'gap', points: 18 },
  { kind: 'signatures' },
];

const CONDITIONS: Block[] = [
  { kind: 'title', text: 'CONDICIONES GENERALES' },
  { kind: 'small', text: 'Aplicables a los servicios de ACME SERVICIOS ENERGÉTICOS, S.L. (sociedad ficticia)' },
  {
    kind: 'paragraph',
    text: '1. Ámbito. Estas condiciones completan el contrato de prestación de servicios firmado por el Cliente; en caso de contradicción prevalece lo pactado en el contrato.',
  },
  {
    kind: 'paragraph',
    text: '2. Citas. Las visitas se conciertan con al menos 24 horas de antelación. Si el Cliente no está presente sin haber avisado, la visita podrá cobrarse según la tarifa vigente.',
  },
  {
    kind: 'paragraph',
    text: '3. Facturación. Las facturas se emiten mensualmente en formato electrónico y se envían a la dirección de correo que indique el Cliente.',
  },
  {
    kind: 'paragraph',
    text: '4. Impagos. Si un recibo resulta devuelto, el Prestador lo comunicará al Cliente y podrá suspender el servicio tras un plazo de quince días desde el aviso.',
  },
  {
    kind: 'paragraph',
    text: '5. Modificaciones. Cualquier cambio de precio o condiciones se notificará con un mes de antelación; el Cliente podrá resolver el contrato sin penalización antes de su entrada en vigor.',
  },
  {
    kind: 'paragraph',
    text: '6. Reclamaciones. El Cliente puede dirigir sus quejas a atencion@acme.example o a la dirección del Prestador. Se responderán en un plazo máximo de un mes.',
  },
  {
    kind: 'paragraph',
    text: '7. Comunicaciones. El Cliente acepta recibir por WhatsApp los avisos relativos a este servicio y puede retirar su consentimiento en cualquier momento respondiendo «BAJA».',
  },
];

export async function makeSampleContract(): Promise<Uint8Array> {
  return render('Contrato de prestación de servicios', CONTRACT);
}

export async function makeSampleConditions(): Promise<Uint8Array> {
  return render('Condiciones generales', CONDITIONS);
}

async function render(title: string, blocks: Block[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  doc.setAuthor('ACME Servicios Energéticos (ficticia)');
  doc.setSubject('Documento de ejemplo de Testigo');
  doc.setLanguage('es-ES');
  doc.setProducer('Testigo samples (pdf-lib)');
  doc.setCreator('scripts/make-sample-contract.ts');
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    italic: await doc.embedFont(StandardFonts.HelveticaOblique),
  };

  let page = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  const width = A4[0] - 2 * MARGIN;
  for (const block of blocks) {
    if (block.kind === 'page') {
      page = doc.addPage(A4);
      y = A4[1] - MARGIN;
    } else if (block.kind === 'gap') {
      y -= block.points;
    } else if (block.kind === 'signatures') {
      y = drawSignatures(page, fonts, y);
    } else {
      const style = STYLES[block.kind];
      y -= style.before;
      for (const line of wrap(block.text, fonts[style.font], style.size, width)) {
        const lineWidth = fonts[style.font].widthOfTextAtSize(line, style.size);
        page.drawText(line, {
          x: style.center ? (A4[0] - lineWidth) / 2 : MARGIN,
          y: y - style.size,
          size: style.size,
          font: fonts[style.font],
          color: style.grey ? GREY : undefined,
        });
        y -= style.size * 1.4;
      }
    }
    if (y < MARGIN + 30) throw new Error(`"${title}" overflows a page at: ${'text' in block ? block.text.slice(0, 40) : block.kind}`);
  }
  const pages = doc.getPages();
  for (const [i, each] of pages.entries()) {
    const footer = `${FOOTER}   Página ${i + 1} de ${pages.length}`;
    each.drawText(footer, { x: MARGIN, y: MARGIN - 24, size: 8, font: fonts.italic, color: GREY });
  }
  return doc.save({ useObjectStreams: true });
}

const STYLES = {
  title: { font: 'bold', size: 15, before: 0, center: true, grey: false },
  small: { font: 'italic', size: 9, before: 4, center: true, grey: true },
  heading: { font: 'bold', size: 11, before: 14, center: false, grey: false },
  paragraph: { font: 'regular', size: 10, before: 6, center: false, grey: false },
} as const;

function drawSignatures(page: PDFPage, fonts: Fonts, top: number): number {
  const boxWidth = (A4[0] - 2 * MARGIN - 24) / 2;
  const boxHeight = 92;
  for (const [i, who] of ['EL PRESTADOR', 'EL CLIENTE'].entries()) {
    const x = MARGIN + i * (boxWidth + 24);
    page.drawRectangle({ x, y: top - boxHeight, width: boxWidth, height: boxHeight, borderColor: GREY, borderWidth: 0.75 });
    page.drawText(who, { x: x + 10, y: top - 18, size: 10, font: fonts.bold });
    const note = i === 0 ? 'Sello electrónico (PAdES)' : 'Firma electrónica por WhatsApp y código OTP';
    page.drawText(note, { x: x + 10, y: top - 34, size: 8, font: fonts.italic, color: GREY });
    page.drawText('Fecha y lugar: ______________________', { x: x + 10, y: top - boxHeight + 12, size: 8, font: fonts.regular, color: GREY });
  }
  return top - boxHeight;
}

/** Greedy word wrap by measured width (the standard fonts have metrics; no hyphenation needed for sample text). */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

async function main(): Promise<void> {
  const samples = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples');
  for (const [name, make] of [
    ['contract.pdf', makeSampleContract],
    ['conditions.pdf', makeSampleConditions],
  ] as const) {
    const bytes = await make();
    await writeFile(path.join(samples, name), bytes);
    console.log(`samples/${name}: ${bytes.length} bytes`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
