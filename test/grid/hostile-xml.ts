/** Hostile ENTSO-E-looking XML documents (XXE, entity bomb, deep nesting, prototype keys) for the refusal tests. */
const ns = 'urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3';
export const publicationDocument = (inner: string, prolog = '') => `<?xml version="1.0"?>${prolog}<Publication_MarketDocument xmlns="${ns}">${inner}</Publication_MarketDocument>`;

export const hostileXml = {
  externalEntity: publicationDocument('<type>&xxe;</type>', '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
  entityBomb: publicationDocument('<type>&b;</type>', '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'),
  deepNesting: publicationDocument(`${'<x>'.repeat(1000)}${'</x>'.repeat(1000)}`),
  protoElement: publicationDocument('<__proto__><polluted>yes</polluted></__proto__>'),
  protoAttribute: publicationDocument('<type __proto__="x">A44</type>'),
  constructorElement: publicationDocument('<constructor><prototype>1</prototype></constructor>'),
} as const;
