/** The version mapping of each OCPP version. */
import { mapping16 } from './1.6/index.ts';
import { mapping201 } from './2.0.1/index.ts';
import { mapping21 } from './2.1/index.ts';
import type { OcppVersion } from './protocol.ts';
import type { VersionMapping } from './version-mapping.ts';

export const mappings: Readonly<Record<OcppVersion, VersionMapping>> = { '1.6': mapping16, '2.0.1': mapping201, '2.1': mapping21 };
