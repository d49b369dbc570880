/**
 * Hostile XML, refused before and while parsing (pure, no I/O): code `V2G_ERR_XML_UNSAFE` (HTTP 422,
 * not retryable), each problem named.
 *
 * - A document type declaration (`<!DOCTYPE`): it can declare external entities (XXE: file or network
 *   reads) or entity expansion bombs. Price documents never need one, so it is refused outright.
 * - Nesting deeper than `maxXmlDepth` (stack exhaustion, quadratic walks).
 * - Element or attribute names that are JavaScript object keys with special meaning (`__proto__`,
 *   `constructor`, `prototype`): parsed into plain objects they could pollute prototypes.
 */
import { GridInputError, type GridIssue } from './errors.ts';

/** Deepest element nesting accepted (an A44 document needs 5). */
export const maxXmlDepth = 64;

const reservedNames = new Set(['__proto__', 'constructor', 'prototype']);

function lineOf(xml: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (xml.charCodeAt(i) === 10) line++;
  return line;
}

/** Every reason `xml` is unsafe to parse (empty when it is not). */
export function xmlSafetyIssues(xml: string): GridIssue[] {
  const issues: GridIssue[] = [];
  const doctype = /<!DOCTYPE/i.exec(xml);
  if (doctype) {
    const entity = /<!ENTITY/i.test(xml);
    issues.push({ line: lineOf(xml, doctype.index), message: `a document type declaration${entity ? ' with entity declarations' : ''} is not accepted (external entities and entity expansion are refused)` });
  }
  let depth = 0;
  let deepest = 0;
  let deepAt = -1;
  const reported = new Set<string>();
  // Start tags, end tags and self-closing tags (comments, CDATA and processing instructions skipped).
  for (const m of xml.matchAll(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)([^\s/>!?]+)([^>]*?)(\/?)>/g)) {
    if (m[2] === undefined) continue;
    const local = m[2].slice(m[2].indexOf(':') + 1);
    if (reservedNames.has(local) && !reported.has(local)) {
      reported.add(local);
      issues.push({ line: lineOf(xml, m.index), message: `the element name "${m[2]}" is reserved (it could pollute object prototypes)` });
    }
    for (const a of (m[3] ?? '').matchAll(/([^\s=]+)\s*=/g)) {
      const name = a[1]!.slice(a[1]!.indexOf(':') + 1);
      if (reservedNames.has(name) && !reported.has(`@${name}`)) {
        reported.add(`@${name}`);
        issues.push({ line: lineOf(xml, m.index), message: `the attribute name "${a[1]}" is reserved (it could pollute object prototypes)` });
      }
    }
    if (m[1] === '/') depth--;
    else if (m[4] !== '/') {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (depth > maxXmlDepth && deepAt < 0) deepAt = m.index;
      }
    }
  }
  if (deepAt >= 0) issues.push({ line: lineOf(xml, deepAt), message: `elements are nested ${deepest} deep; at most ${maxXmlDepth} are accepted` });
  return issues;
}

/** Throws `V2G_ERR_XML_UNSAFE` listing every problem when `xml` is unsafe to parse. */
export function assertXmlSafe(xml: string, what: string): void {
  const issues = xmlSafetyIssues(xml);
  if (issues.length > 0) throw new GridInputError('V2G_ERR_XML_UNSAFE', `The ${what} was refused as unsafe`, issues);
}
