import { describe, expect, it } from 'vitest';
import { jsonSyntaxIssue, parseJsonText } from '../../grid/json-text.ts';
import { catchGridError } from './catch-grid-error.ts';

/** The issue for `text`, which must not parse. */
function issueOf(text: string) {
  try {
    JSON.parse(text);
  } catch (e) {
    return jsonSyntaxIssue(text, e);
  }
  throw new Error(`${text} parsed`);
}

describe('jsonSyntaxIssue: line and column of a JSON syntax error', () => {
  const long = `{\n  "programID": "p",\n  "intervals": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,]\n}`;
  it.each([
    ['a position V8 names', '{\n"a":1,', 2, 7],
    ['a token quoted with text before and after it', long, 3, long.split('\n')[2]!.indexOf(',]') + 2],
    ['a token quoted from the start of a long text', '{"a": } bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 1, 7],
    ['a token in a short text quoted whole', '{\n"a": }', 2, 6],
    ['a truncated text: at its end', '{\n  "programID": "p",\n  "inter', 3, 9],
    ['an empty text', '', 1, 1],
  ])('%s', (_name, text, line, column) => {
    expect(issueOf(text)).toMatchObject({ line, column, message: expect.stringMatching(/^not valid JSON: /) });
  });

  it.each([['{"a": [1, 2'], ['{"a": [1, 2, '], ['{"a": tr'], ['"abc']])('says a text that ends early (%s) may be truncated', (text) => {
    const issue = issueOf(text);
    expect(issue.message).toMatch(/\(the text ends here: is it truncated\?\)$/);
    expect(issue.column).toBe(text.trimEnd().length + 1);
  });

  it('parseJsonText throws the given code with the located issue', () => {
    expect(parseJsonText('{"a": 1}', 'V2G_ERR_TARIFF_FORMAT', 'x')).toEqual({ a: 1 });
    const err = catchGridError(() => parseJsonText('{"a": }', 'V2G_ERR_TARIFF_FORMAT', 'The tariff is not JSON'), 'V2G_ERR_TARIFF_FORMAT');
    expect(err.issues[0]).toMatchObject({ line: 1, column: 7 });
  });
});
