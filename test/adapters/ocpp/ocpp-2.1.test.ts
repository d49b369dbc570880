/** OCPP 2.1 end to end (the shared protocol suite). */
import { protocolSuite } from './protocol-suite.ts';

protocolSuite('2.1');
