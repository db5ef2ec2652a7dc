/** Control characters (C0, DEL, C1) and the Unicode line and bidi overrides that would rewrite a terminal line. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A name from a dataset (an entry, a class folder, a CSV cell) as the CLI prints it and the studio shows it:
 * control characters escaped (`\x1b`, `\u202e`), so a name can neither move the cursor nor fake a line such as
 * "problems: none", and what the page shows is what the zip holds.
 */
export function printable(name: string): string {
  return name.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
