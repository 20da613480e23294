// Where each part of the view goes on the page: the view → a pdfmake document definition. No I/O and no pdfmake
// instance here (render.ts runs it), so layout changes are reviewed apart from fonts, attachments and file output.
//
// Typography: Roboto for words (it has every Spanish accent and the typographic quotes), Courier for hashes and
// identifiers (fixed width, so a 64-character SHA-256 is one line a reader can compare character by character).
// Roboto has no "✓" and Courier only WinAnsi: the certificate uses words, never symbols.
import type { Content, ContentTable, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import { formatDateTime, formatNumber, formatSize, formatTimeNear, shortHash } from './format';
import { label, type LabelKey, receiptWord } from './texts';
import type { CertificateView, TimelineRow } from './view';

export const MONO = 'Courier';

const INK = '#1a1a1a';
const MUTED = '#5f6368';
const ACCENT = '#1f3a5f';
const RULE = '#c8ccd2';
const BAND = '#f1f3f6';

/** A4 is 595.28 × 841.89 pt; 50 pt margins leave 495 pt, wide enough for a 64-hex hash in 8 pt Courier (307 pt). */
const MARGINS: [number, number, number, number] = [50, 62, 50, 52];
const CONTENT_WIDTH = 595.28 - MARGINS[0] - MARGINS[2];
const LABEL_WIDTH = 150;
/** Courier's advance is 0.6 em for every character: how many fit in a width is exact arithmetic. */
const COURIER_ADVANCE = 0.6;
const CELL_PADDING = 3;
/** two lines of 30 Courier characters at 6.5 pt: a WhatsApp message id (wamid.…, ~58 characters) in two lines */
const MESSAGE_WIDTH = 124;
const TIMELINE_WIDTHS: Array<number | '*'> = [18, 62, '*', 44, MESSAGE_WIDTH, 56];
const ID_SIZE = 6.5;
const QR_WIDTH = 92;
const URL_SIZE = 8.5;
const URL_WIDTH = CONTENT_WIDTH - QR_WIDTH - 2 * 4 - 10;
const MONO_SIZE = 8;

export interface LayoutInput {
  view: CertificateView;
  /** the QR code to the verification URL, as SVG markup */
  qrSvg: string;
}

export function certificateLayout({ view, qrSvg }: LayoutInput): TDocumentDefinitions {
  const t = (key: LabelKey) => label(view.locale, key);
  const when = (iso: string) => formatDateTime(iso, view.locale, view.timeZone);
  const title = t('title');

  return {
    pageSize: 'A4',
    pageMargins: MARGINS,
    // Embedded files (the JSON evidence) need PDF ≥ 1.4; 1.7 is what readers and validators expect today.
    version: '1.7',
    info: {
      title: `${title} — ${view.summary.reference}`,
      subject: `${t('subject')} ${view.summary.processId}`,
      author: view.parties.business.name,
      creator: 'Testigo',
      producer: 'Testigo (pdfmake)',
      keywords: [view.summary.processId, view.summary.reference, view.chainHead].join(', '),
    },
    defaultStyle: { font: 'Roboto', fontSize: 9, color: INK, lineHeight: 1.15 },
    styles: {
      title: { fontSize: 20, bold: true, color: ACCENT },
      subtitle: { fontSize: 9.5, color: MUTED },
      section: { fontSize: 11.5, bold: true, color: ACCENT },
      label: { fontSize: 8, color: MUTED },
      value: { fontSize: 9.5 },
      mono: { font: MONO, fontSize: MONO_SIZE, lineHeight: 1.05 },
      tableHeader: { fontSize: 7.5, bold: true, color: ACCENT },
      note: { fontSize: 7.5, color: MUTED, italics: true },
    },
    // A heading never ends a page: if too little follows it on this page, it moves to the next one.
    pageBreakBefore: (node) => node.headlineLevel === 1 && node.startPosition.verticalRatio > 0.82,
    header: (currentPage: number) =>
      currentPage === 1
        ? []
        : {
            margin: [MARGINS[0], 26, MARGINS[2], 0],
            columns: [
              { text: title, style: 'label', bold: true },
              { text: `${view.summary.reference} · ${view.summary.processId}`, style: 'label', alignment: 'right' },
            ],
          },
    footer: (currentPage: number, pageCount: number) => ({
      margin: [MARGINS[0], 14, MARGINS[2], 0],
      columns: [
        { text: `Testigo · ${title} · ${t('issuedAt')} ${when(view.summary.issuedAt)}`, style: 'label', fontSize: 7 },
        { text: `${t('page')} ${currentPage} ${t('of')} ${pageCount}`, style: 'label', fontSize: 7, alignment: 'right', width: 90 },
      ],
    }),
    content: [
      titleBlock(view, t, when),
      verificationBand(view, qrSvg, t),
      // A heading never ends a page: each section moves to the next page with its heading when it does not fit. (The
      // timeline's heading, before a table of several pages, keeps pageBreakBefore.)
      withHeading(
        t('summary'),
        keyValues([
          [t('reference'), { text: view.summary.reference, bold: true }],
          [t('processId'), mono(view.summary.processId)],
          [t('status'), { text: view.summary.status, bold: true }],
          ...(view.summary.reason ? [[t('endReason'), capitalised(view.summary.reason)] as [string, Content]] : []),
          [t('createdAt'), when(view.summary.createdAt)],
          [t('completedAt'), view.summary.completedAt ? when(view.summary.completedAt) : t('notEnded')],
          [t('issuedAt'), when(view.summary.issuedAt)],
          [t('timeZone'), view.timeZone],
        ]),
      ),
      withHeading(t('parties'), partiesBlock(view, t)),
      view.documents.length ? withHeading(t('documents'), documentBlock(view, view.documents[0], 0, t)) : section(t('documents')),
      ...view.documents.slice(1).map((doc, i) => documentBlock(view, doc, i + 1, t)),
      withHeading(t('optIn'), optInBlock(view, t, when)),
      withHeading(t('otp'), otpBlock(view, t, when)),
      withHeading(t('integrity'), integrityBlock(view, t, when)),
      // The timeline last: it is the long annex; everything a verifier compares comes before it.
      section(t('timeline')),
      { text: t('timelineNote'), style: 'note', margin: [0, 0, 0, 2] },
      { text: t('receiptsNote'), style: 'note', margin: [0, 0, 0, 6] },
      timelineTable(view, t),
    ],
  };
}

type T = (key: LabelKey) => string;

function titleBlock(view: CertificateView, t: T, when: (iso: string) => string): Content {
  return {
    stack: [
      { text: 'TESTIGO', fontSize: 8, bold: true, color: MUTED, characterSpacing: 2 },
      { text: t('title'), style: 'title', margin: [0, 2, 0, 2] },
      { text: t('subtitle'), style: 'subtitle' },
      {
        margin: [0, 10, 0, 0],
        columns: [
          {
            width: '*',
            stack: [
              { text: t('reference'), style: 'label' },
              { text: view.summary.reference, fontSize: 13, bold: true },
            ],
          },
          {
            width: 'auto',
            stack: [
              { text: t('status'), style: 'label' },
              { text: view.summary.status, fontSize: 13, bold: true },
            ],
          },
          {
            width: 'auto',
            margin: [24, 0, 0, 0],
            stack: [
              { text: t('issuedAt'), style: 'label' },
              { text: when(view.summary.issuedAt), fontSize: 10, margin: [0, 3, 0, 0] },
            ],
          },
        ],
      },
      rule(4),
    ],
  };
}

/** QR and URL side by side: a printed page may be read by someone who cannot scan it. */
function verificationBand(view: CertificateView, qrSvg: string, t: T): Content {
  return {
    margin: [0, 10, 0, 4],
    table: {
      widths: [QR_WIDTH, '*'],
      body: [
        [
          { svg: qrSvg, width: QR_WIDTH - 4, height: QR_WIDTH - 4 },
          {
            margin: [6, 4, 4, 4],
            stack: [
              { text: t('verification'), style: 'section', fontSize: 10 },
              { text: t('verificationText'), margin: [0, 3, 0, 4] },
              { text: monoLines(view.verificationUrl, URL_SIZE, URL_WIDTH), font: MONO, fontSize: URL_SIZE, bold: true, link: view.verificationUrl },
              { text: t('attachmentsText'), style: 'note', margin: [0, 6, 0, 0] },
            ],
          },
        ],
      ],
    },
    layout: {
      fillColor: () => BAND,
      hLineWidth: () => 0,
      vLineWidth: () => 0,
      paddingLeft: () => 4,
      paddingTop: () => 4,
      paddingBottom: () => 4,
    },
  };
}

function partiesBlock(view: CertificateView, t: T): Content {
  const { business, customer } = view.parties;
  return {
    columns: [
      {
        width: 170,
        stack: [
          { text: t('business'), bold: true, margin: [0, 0, 0, 3] },
          { text: t('name'), style: 'label' },
          { text: business.name, style: 'value' },
        ],
      },
      {
        width: '*',
        stack: [
          { text: t('customer'), bold: true, margin: [0, 0, 0, 3] },
          keyValues(
            [
              [t('name'), customer.name],
              [t('phone'), customer.phone],
              [t('identification'), customer.identificationLevel],
              [t('identificationReference'), customer.identificationReference ?? t('none')],
              [t('contractingChannel'), customer.channel],
            ],
            120,
          ),
        ],
      },
    ],
  };
}

function documentBlock(view: CertificateView, doc: CertificateView['documents'][number], index: number, t: T): Content {
  const facts = [
    `${t('pages')}: ${formatNumber(doc.pages, view.locale)}`,
    `${t('size')}: ${formatSize(doc.size, view.locale, t('bytes'))}`,
    `${t('sealLevel')}: ${doc.sealLevel ?? t('notSealed')}`,
  ].join('   ·   ');
  return {
    unbreakable: true,
    margin: [0, index === 0 ? 0 : 6, 0, 0],
    stack: [
      { text: `${index + 1}. ${doc.name}`, bold: true, fontSize: 10 },
      { text: facts, style: 'label', margin: [0, 1, 0, 3] },
      keyValues([
        [t('originalSha256'), mono(doc.sha256)],
        [t('signedSha256'), doc.signedSha256 ? mono(doc.signedSha256) : t('notSealed')],
      ]),
    ],
  };
}

function optInBlock(view: CertificateView, t: T, when: (iso: string) => string): Content {
  const { optIn } = view;
  const rows: Array<[string, Content]> = [[t('optInMode'), optIn.mode]];
  if (optIn.how) rows.push([t('optInHow'), optIn.how]);
  if (optIn.acceptedAt) rows.push([t('optInAcceptedAt'), when(optIn.acceptedAt)]);
  if (optIn.recorded) {
    rows.push([t('recordedSource'), optIn.recorded.source]);
    rows.push([t('recordedCollectedAt'), when(optIn.recorded.collectedAt)]);
  }
  const quotes: Content[] = [];
  if (optIn.recorded) quotes.push(...quote(t('recordedText'), null, [{ text: optIn.recorded.text, italics: true }]));
  if (optIn.templateText) {
    const buttons = optIn.templateButtons ?? [];
    const lines: Content[] = [{ text: optIn.templateText, italics: true }];
    if (optIn.templateFooter) lines.push({ text: optIn.templateFooter, fontSize: 8, color: MUTED, margin: [0, 3, 0, 0] });
    if (buttons.length > 0) {
      lines.push({
        margin: [0, 5, 0, 0],
        text: [
          { text: `${t('buttons')}: `, fontSize: 8, color: MUTED },
          ...buttons.flatMap((b, i) => [...(i ? ['   '] : []), { text: `[ ${b} ]`, bold: true }]),
        ],
      });
    }
    const name = optIn.templateName ? `${t('templateOf')}: ${optIn.templateName}` : null;
    quotes.push(...quote(optIn.templateHeading ?? t('optInTemplate'), name, lines));
  }
  return { stack: [keyValues(rows), ...quotes] };
}

/** A text exactly as someone saw or wrote it: a label above, a band with a rule on its left. */
function quote(heading: string, note: string | null, lines: Content[]): Content[] {
  return [
    {
      margin: [0, 6, 0, 2],
      text: [{ text: heading, style: 'label' }, ...(note ? [{ text: `  (${note})`, style: 'label', italics: true }] : [])],
    },
    {
      unbreakable: true,
      table: { widths: ['*'], body: [[{ stack: lines, margin: [6, 4, 6, 4] }]] },
      layout: {
        fillColor: () => BAND,
        hLineWidth: () => 0,
        vLineWidth: (i: number) => (i === 0 ? 2 : 0),
        vLineColor: () => ACCENT,
      },
    },
  ];
}

function otpBlock(view: CertificateView, t: T, when: (iso: string) => string): Content {
  const { otp } = view;
  if (!otp) return { text: t('otpNone') };
  return {
    stack: [
      keyValues([
        [t('otpChannel'), otp.channel],
        [t('otpSentAt'), when(otp.sentAt)],
        [t('otpVerifiedAt'), otp.verifiedAt ? when(otp.verifiedAt) : t('otpNotVerified')],
        [t('otpAttempt'), `${formatNumber(otp.attempt, view.locale)} ${t('of')} ${formatNumber(otp.maxAttempts, view.locale)}`],
      ]),
      { text: t('otpNoCode'), style: 'note', margin: [0, 3, 0, 0] },
    ],
  };
}

/** The whole timeline, one row per event; the header row repeats on every page and no row is split. */
function timelineTable(view: CertificateView, t: T): Content {
  const header: TableCell[] = [t('seq'), t('dateTime'), t('event'), t('channel'), t('messageAndReceipts'), t('hash')].map((text) => ({
    text,
    style: 'tableHeader',
  }));
  const body: TableCell[][] = [header, ...view.timeline.map((row) => timelineRow(view, row))];
  const table: ContentTable = {
    fontSize: 7.5,
    table: { headerRows: 1, dontBreakRows: true, widths: TIMELINE_WIDTHS, body },
    layout: {
      hLineWidth: (i: number, node) => (i === 0 || i === 1 || i === node.table.body.length ? 0.8 : 0.3),
      hLineColor: (i: number) => (i <= 1 ? ACCENT : RULE),
      vLineWidth: () => 0,
      fillColor: (i: number) => (i === 0 ? BAND : null),
      paddingLeft: () => 3,
      paddingRight: () => 3,
      paddingTop: () => 2.5,
      paddingBottom: () => 2.5,
    },
  };
  return table;
}

// Each row is kept to flat text nodes (inline runs joined by '\n', no nested stacks, no named styles): pdfmake
// resolves styles per inline, and the timeline is most of the certificate's inlines, so this halves render time.
function timelineRow(view: CertificateView, row: TimelineRow): TableCell[] {
  const { locale, timeZone } = view;
  const [date, time, zone] = formatDateTime(row.at, locale, timeZone).split(' ');
  // one receipt a line, in the order they happened: "entregado 10:02:03", "fallido 10:02:05 (error 131049)"
  const receipts = row.receipts
    .map((r) => `${receiptWord(locale, r.kind)} ${formatTimeNear(r.at, row.at, locale, timeZone)}${r.error ? ` (error ${r.error})` : ''}`)
    .join('\n');
  const message: Array<string | { text: string; font: string; fontSize: number; color: string }> = [];
  if (row.providerMessageId) message.push({ text: monoLines(row.providerMessageId, ID_SIZE, MESSAGE_WIDTH), font: MONO, fontSize: ID_SIZE, color: MUTED });
  if (row.providerMessageId && receipts) message.push('\n');
  if (receipts) message.push(receipts);
  return [
    { text: String(row.seq), alignment: 'right' },
    { text: [date, '\n', { text: `${time} ${zone}`, color: MUTED }] },
    { text: row.event },
    { text: row.channel ?? '' },
    { text: message },
    // the row's hash, shortened: the marginal tick a reader follows to the attached JSON
    { text: shortHash(row.hash), font: MONO, fontSize: 7, margin: [0, 0.8, 0, 0] },
  ];
}

function integrityBlock(view: CertificateView, t: T, when: (iso: string) => string): Content {
  const stamp = view.timestamp ?? null;
  return {
    unbreakable: true,
    stack: [
      keyValues([
        [t('historySha256'), mono(view.history.sha256)],
        [t('historyEvents'), formatNumber(view.history.eventCount, view.locale)],
        [t('workflowId'), mono(view.history.workflowId)],
        [t('runId'), mono(view.history.runId)],
        [t('chainHead'), mono(view.chainHead)],
        [
          t('timestamp'),
          stamp
            ? {
                text: [
                  { text: when(stamp.genTime), bold: true },
                  `, ${t('timestampValue')} ${issuerSubject(stamp.tsa)} (${t('timestampSerial')} `,
                  { text: stamp.serialNumber, font: MONO, fontSize: MONO_SIZE },
                  ')',
                ],
                style: 'value',
              }
            : t('noTimestamp'),
        ],
        [t('issuer'), issuerSubject(view.issuer.subject)],
        [t('issuerFingerprint'), mono(view.issuer.fingerprint)],
      ]),
      ...(stamp ? [{ text: t('timestampNote'), style: 'note', margin: [0, 3, 0, 0] } as Content] : []),
    ],
  };
}

/** A reason is worded as the end of a sentence; standing alone it starts with a capital. */
function capitalised(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

/** Node prints a DN one attribute per line ("CN=…\nO=…"); on paper it reads better as one line. */
function issuerSubject(subject: string): string {
  return subject
    .split('\n')
    .map((part) => part.trim())
    .filter(Boolean)
    .join(', ');
}

/**
 * A short section and its heading, kept together (unbreakable): it moves to the next page whole rather than leave its
 * heading at the bottom of one. Unlike pageBreakBefore, this costs pdfmake no second layout pass.
 */
function withHeading(text: string, block: Content): Content {
  return { unbreakable: true, stack: [{ stack: [{ text, style: 'section' }, rule(2)], margin: [0, 14, 0, 6] }, block] };
}

/** A section heading; `headlineLevel` lets pageBreakBefore keep it off the bottom of a page. */
function section(text: string): Content {
  return { stack: [{ text, style: 'section' }, rule(2)], margin: [0, 14, 0, 6], headlineLevel: 1 };
}

function rule(marginTop: number): Content {
  return { canvas: [{ type: 'line', x1: 0, y1: 0, x2: CONTENT_WIDTH, y2: 0, lineWidth: 0.6, lineColor: RULE }], margin: [0, marginTop, 0, 0] };
}

/** A hash or identifier in a key-value row: one line when it fits (a SHA-256 does), cut at the column edge if not. */
function mono(text: string): Content {
  return { text: monoLines(text, MONO_SIZE, CONTENT_WIDTH - LABEL_WIDTH - 2 * 6), style: 'mono', margin: [0, 1, 0, 0] };
}

/**
 * Identifiers have no spaces, so a line breaker would let them overflow their cell. In Courier every character has
 * the same width, so the line length is known: cut the string into lines that fit. (pdfmake's wordBreak: 'break-all'
 * does the same by measuring one inline per character, many times slower over a hundred rows.)
 */
export function monoLines(text: string, fontSize: number, width: number): string {
  const perLine = Math.max(1, Math.floor((width - 2 * CELL_PADDING) / (fontSize * COURIER_ADVANCE)));
  if (text.length <= perLine) return text;
  // Lines of equal length rather than full lines and a stub: "…2NjQA" alone on a third line reads as a new value.
  const count = Math.ceil(text.length / perLine);
  const size = Math.ceil(text.length / count);
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += size) lines.push(text.slice(i, i + size));
  return lines.join('\n');
}

/** Label | value rows without borders: the layout of a form, which is what the summary blocks are. */
function keyValues(rows: Array<[string, Content]>, labelWidth = LABEL_WIDTH): Content {
  return {
    table: {
      widths: [labelWidth, '*'],
      body: rows.map(([key, value]) => [
        { text: key, style: 'label', margin: [0, 1, 0, 0] },
        typeof value === 'string' ? { text: value, style: 'value' } : value,
      ]),
    },
    layout: {
      hLineWidth: () => 0,
      vLineWidth: () => 0,
      paddingLeft: () => 0,
      paddingRight: () => 6,
      paddingTop: () => 1.5,
      paddingBottom: () => 1.5,
    },
  };
}
