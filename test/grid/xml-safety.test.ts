/**
 * Hostile XML is refused with V2G_ERR_XML_UNSAFE naming the problem (never parsed, never a crash), and a
 * real ENTSO-E document still passes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEntsoeA44 } from '../../grid/entsoe-a44.ts';
import { GridInputError } from '../../grid/errors.ts';
import { maxXmlDepth, xmlSafetyIssues } from '../../grid/xml-safety.ts';
import { fixture } from './grid-test-data.ts';
import { hostileXml, publicationDocument as doc } from './hostile-xml.ts';


function refusal(xml: string): GridInputError {
  try {
    parseEntsoeA44(xml);
  } catch (error) {
    if (error instanceof GridInputError) return error;
    throw error;
  }
  throw new Error('parsed');
}

describe('hostile XML', () => {
  it.each(Object.entries(hostileXml))('%s is refused as V2G_ERR_XML_UNSAFE with the reason', (name, xml) => {
    const error = refusal(xml);
    expect(error.code).toBe('V2G_ERR_XML_UNSAFE');
    const reason = { externalEntity: /entity declarations/, entityBomb: /entity declarations/, deepNesting: /nested 100\d deep/, protoElement: /"__proto__" is reserved/, protoAttribute: /attribute name "__proto__"/, constructorElement: /"constructor" is reserved/ }[name]!;
    expect(error.issues.map((i) => i.message).join('\n')).toMatch(reason);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(`accepts nesting up to ${maxXmlDepth} and the real fixtures`, () => {
    expect(xmlSafetyIssues(`${'<x>'.repeat(maxXmlDepth)}${'</x>'.repeat(maxXmlDepth)}`)).toEqual([]);
    expect(xmlSafetyIssues(`${'<x>'.repeat(maxXmlDepth + 1)}${'</x>'.repeat(maxXmlDepth + 1)}`)).toHaveLength(1);
    for (const f of ['entsoe-a44-be-2025-03-30-pt15m.xml', 'entsoe-a44-de-2025-10-25-26-pt60m.xml']) expect(xmlSafetyIssues(fixture(f))).toEqual([]);
  });

  it('never crashes on arbitrary text: a series or a coded GridInputError', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('<', '>', '/', 'a', '!', 'D', '&', ';', '"', '=', ' ', '_', 'proto') , maxLength: 80 }), (inner) => {
        try {
          parseEntsoeA44(doc(inner));
        } catch (error) {
          expect(error).toBeInstanceOf(GridInputError);
        }
      }),
      { seed: 14, numRuns: 300 },
    );
  });
});
