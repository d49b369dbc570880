/** OCPP 1.6 end to end (the shared protocol suite). */
import { protocolSuite } from './protocol-suite.ts';

protocolSuite('1.6');
