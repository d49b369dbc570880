/** The charger credentials conformance suite against MemoryChargerCredentials (the reference behaviour). */
import { MemoryChargerCredentials } from '../../../adapters/store/memory-charger-credentials.ts';
import { describeChargerCredentialsConformance, recordingVerifier } from './charger-credentials-conformance.ts';

describeChargerCredentialsConformance('MemoryChargerCredentials', async () => {
  const { verified, verify } = recordingVerifier();
  const credentials = new MemoryChargerCredentials({ hashCost: 1024, verify });
  // The stored hash is private; the suite reads it behind the port to prove what is at rest.
  const records = (credentials as unknown as { records: Map<string, { passwordHash: string | undefined }> }).records;
  return { credentials, verified, storedHash: async (id) => records.get(id)?.passwordHash, cleanup: async () => undefined };
});
