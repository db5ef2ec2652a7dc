import Papa from 'papaparse';

const utf8 = new TextDecoder('utf-8');

/**
 * The rows of a CSV file (any quoting papaparse understands), cells trimmed. Blank lines are kept as rows of
 * one empty cell, so row i is line i + 1 of the file.
 */
export function parseCsv(bytes: Uint8Array): string[][] {
  const text = utf8.decode(bytes).replace(/^\uFEFF/, '');
  const result = Papa.parse<string[]>(text, { skipEmptyLines: false, delimiter: '' });
  return result.data.map((row) => row.map((cell) => cell.trim()));
}
