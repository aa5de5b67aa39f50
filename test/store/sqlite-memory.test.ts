import { describe } from 'node:test';
import { storeContract } from './contract/index.ts';
import { sqliteMemoryFactory } from './factories.ts';

describe('Store contract: SQLite in memory', () => {
  storeContract(sqliteMemoryFactory);
});
