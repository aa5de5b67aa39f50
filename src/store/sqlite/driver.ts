import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The SQLite driver, chosen by Node version. better-sqlite3 13 is built on
 * Node-API and ships prebuilt binaries, but needs Node 22; better-sqlite3 12
 * builds against Node 20, and on Node 24 it aborts the process when a
 * statement is garbage-collected at an unlucky moment (Node 24 changed
 * ObjectWrap's cleanup hooks). So: 12 on Node 20, 13 from Node 22 on. Both
 * have the same API. 13 is an optional dependency, so that npm on Node 20
 * skips it quietly (its engines say node>=22) instead of warning EBADENGINE.
 */
const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

export const driverPackage = major >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3';

const Database = require(driverPackage) as typeof BetterSqlite3;
export default Database;
