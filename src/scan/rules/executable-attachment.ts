/**
 * Rule: executable, script, disk-image or macro-enabled Office attachments,
 * including ones inside a ZIP and double extensions ("invoice.pdf.exe").
 */
import type { Rule } from './rule.js';
import { listSome } from './rule.js';
import { isZip, peekZip } from './archive.js';

const EXEC = new Set([
  'exe', 'scr', 'pif', 'com', 'bat', 'cmd', 'js', 'jse', 'vbs', 'vbe', 'wsf', 'wsh', 'hta', 'msi', 'msp', 'jar', 'ps1',
  'psm1', 'lnk', 'reg', 'cpl', 'dll', 'iso', 'img', 'vhd', 'vhdx', 'appx', 'msix', 'application', 'gadget', 'scf', 'url',
  'docm', 'dotm', 'xlsm', 'xltm', 'xlam', 'pptm', 'potm', 'ppam', 'sldm', 'xlsb', 'one',
]);
const EXEC_TYPES = new Set(['application/x-msdownload', 'application/x-msdos-program', 'application/x-ms-installer', 'application/hta', 'application/x-sh', 'application/javascript', 'application/vnd.ms-word.document.macroenabled.12', 'application/vnd.ms-excel.sheet.macroenabled.12']);

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase().trim();
}

export const executableAttachment: Rule = {
  name: 'executable-attachment',
  summary: 'executable, script, disk image or macro-enabled Office attachment',
  check({ view }) {
    const hits: string[] = [];
    for (const a of view.msg.attachments) {
      const ext = extensionOf(a.filename);
      if (EXEC.has(ext) || EXEC_TYPES.has(a.contentType)) hits.push(a.filename || a.contentType);
      else if (isZip(a.head) && ext !== 'docx' && ext !== 'xlsx' && ext !== 'pptx') {
        for (const n of peekZip(a.head).names) if (EXEC.has(extensionOf(n))) hits.push(`${n} inside ${a.filename || 'zip'}`);
      }
    }
    return hits.length === 0 ? null : `executable or macro attachment ${listSome(hits)}`;
  },
};
