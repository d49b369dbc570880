/** OCPP 2.0.1 end to end (the shared protocol suite). */
import { protocolSuite } from './protocol-suite.ts';

protocolSuite('2.0.1');
