// safeDocumentName: client-supplied file names made safe for captions, headers and the certificate, still readable.
import assert from 'node:assert/strict';
import { MAX_DOCUMENT_NAME_LENGTH, safeDocumentName } from '../../documents/limits';

describe('safeDocumentName', () => {
  it('keeps a readable name with accents and spaces, forcing a lowercase .pdf', () => {
    assert.equal(safeDocumentName('Contrato de prestación de servicios.pdf'), 'Contrato de prestación de servicios.pdf');
    assert.equal(safeDocumentName('Condiciones generales.PDF'), 'Condiciones generales.pdf');
    assert.equal(safeDocumentName('anexo'), 'anexo.pdf');
    assert.equal(safeDocumentName('scan.jpeg'), 'scan.jpeg.pdf');
  });

  it('keeps only the last path segment (Unix or Windows)', () => {
    assert.equal(safeDocumentName('../../etc/passwd'), 'passwd.pdf');
    assert.equal(safeDocumentName('C:\\Users\\ana\\Documents\\contrato.pdf'), 'contrato.pdf');
    assert.equal(safeDocumentName('/tmp/'), 'document.pdf');
  });

  it('drops control and invisible formatting characters, and characters headers and file systems reserve', () => {
    assert.equal(safeDocumentName('contrato\r\nX-Injected: 1.pdf'), 'contratoX-Injected 1.pdf');
    assert.equal(safeDocumentName('factura\u202Efdp.exe'), 'facturafdp.exe.pdf');
    assert.equal(safeDocumentName('a\u0000b\u200Bc.pdf'), 'abc.pdf');
    assert.equal(safeDocumentName('"quoted" <name>|?*.pdf'), 'quoted name.pdf');
    assert.equal(safeDocumentName('  many   \t spaces  .pdf'), 'many spaces.pdf');
  });

  it('never returns an empty, dot-only or device name', () => {
    for (const name of ['', '   ', '.pdf', '..', '...pdf', '\u0000\u0001', '/']) assert.equal(safeDocumentName(name), 'document.pdf', JSON.stringify(name));
    assert.equal(safeDocumentName('.hidden.pdf'), 'hidden.pdf');
    assert.equal(safeDocumentName('CON.pdf'), 'CON_.pdf');
    assert.equal(safeDocumentName('lpt1'), 'lpt1_.pdf');
  });

  it('is at most 120 characters, cut by code points, still ending in .pdf', () => {
    const long = safeDocumentName(`${'a'.repeat(300)}.pdf`);
    assert.equal(long.length, MAX_DOCUMENT_NAME_LENGTH);
    assert.ok(long.endsWith('a.pdf'));
    const emoji = safeDocumentName('😀'.repeat(200));
    assert.equal(Array.from(emoji).length, MAX_DOCUMENT_NAME_LENGTH);
    assert.ok(emoji.endsWith('😀.pdf'), 'no half surrogate pair before the extension');
    assert.equal(safeDocumentName(`${'b'.repeat(115)} .  x`).length <= MAX_DOCUMENT_NAME_LENGTH, true);
  });

  it('normalises to NFC so the same visible name is the same string', () => {
    assert.equal(safeDocumentName('prestacio\u0301n.pdf'), 'prestación.pdf');
  });
});
