import { after, before, describe } from 'node:test';
import { storeContract } from './contract/index.ts';
import { createTestDatabase, postgresFactory, type TestDatabase } from './postgres-db.ts';

describe('Store contract: PostgreSQL', () => {
  let db: TestDatabase | undefined;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });
  storeContract(postgresFactory(() => db!));
});
