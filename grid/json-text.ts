/**
 * JSON text to a value, with a syntax error located by line and column (1-based).
 *
 * V8 names the position in most messages (`... in JSON at position 8`). Where it does not, it quotes the
 * text around the unexpected token: `..."ervals": [,]\n}"` is the text from 10 characters before the token
 * to 10 after it (a leading `...` when cut at the start, a trailing `...` when cut at the end), and a short
 * text is quoted whole. "Unexpected end of JSON input" is placed where the text ends, and an error there
 * says the text may be truncated.
 */
import { GridInputError, type GridErrorCode, type GridIssue } from './errors.ts';

/** Characters V8 quotes on each side of an unexpected token. */
const context = 10;

function at(text: string, index: number, message: string): GridIssue {
  const before = text.slice(0, Math.max(0, Math.min(index, text.length)));
  return { line: before.split('\n').length, column: before.length - before.lastIndexOf('\n'), message: `not valid JSON: ${message}` };
}

/** Where in `text` the syntax error `e` (thrown by `JSON.parse(text)`) is, with V8's message. */
export function jsonSyntaxIssue(text: string, e: unknown): GridIssue {
  const message = e instanceof Error ? e.message : String(e);
  const pos = /at position (\d+)/.exec(message);
  const end = text.trimEnd().length;
  const truncated = `${message} (the text ends here: is it truncated?)`;
  if (pos) return at(text, Number(pos[1]), Number(pos[1]) >= end ? truncated : message);
  if (/Unexpected end of JSON input/.test(message)) return at(text, end, truncated);
  const quoted = /^Unexpected token '(.+?)', (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (quoted) {
    const [, token, cutStart, excerpt, cutEnd] = quoted as unknown as [string, string, string | undefined, string, string | undefined];
    if (cutStart) {
      const start = text.indexOf(excerpt);
      if (start >= 0) return at(text, start + context, message);
    } else if (cutEnd) {
      return at(text, excerpt.length - context, message);
    } else {
      const index = text.indexOf(token);
      if (index >= 0) return at(text, index, message);
    }
  }
  return { line: 1, message: `not valid JSON: ${message}` };
}

/** `JSON.parse(text)`, or a `GridInputError` with `code` and the located syntax error. */
export function parseJsonText(text: string, code: GridErrorCode, summary: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new GridInputError(code, summary, [jsonSyntaxIssue(text, e)]);
  }
}
