/** The charger credentials conformance suite against MemoryChargerCredentials (the reference behaviour). */
import { MemoryChargerCredentials } from '../../../adapters/store/memory-charger-credentials.ts';
import { describeChargerCredentialsConformance } from './charger-credentials-conformance.ts';

describeChargerCredentialsConformance('MemoryChargerCredentials', async () => {
  const credentials = new MemoryChargerCredentials({ hashCost: 1024 });
  // The stored hash is private; the suite reads it behind the port to prove what is at rest.
  const records = (credentials as unknown as { records: Map<string, { passwordHash: string | undefined }> }).records;
  return { credentials, storedHash: async (id) => records.get(id)?.passwordHash, cleanup: async () => undefined };
});
