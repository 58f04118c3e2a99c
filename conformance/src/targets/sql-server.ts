import { loadOpenSqlStores } from '../store-modules.js';
import type { OpenedTarget } from '../target.js';
import { randomResourceName } from './random-name.js';
import type { SqlServerAddress, SqlServerDialect } from './sql-database.js';
import { createSqlDatabase, dropSqlDatabase } from './sql-database.js';

/**
 * Opens the stores on a fresh database of a running PostgreSQL / MySQL / MariaDB server, so
 * no run sees another run's rows; teardown closes the stores and drops the database. The
 * server is contacted before the store package is loaded, so an absent server is reported as such.
 */
export async function openOnFreshSqlDatabase(dialect: SqlServerDialect, address: SqlServerAddress): Promise<OpenedTarget> {
  const database = randomResourceName();
  await createSqlDatabase(dialect, address, database);
  try {
    const openSqlStores = await loadOpenSqlStores();
    const stores = await openSqlStores({
      dialect,
      host: address.host,
      port: address.port,
      user: address.user,
      password: address.password,
      database,
      setupSchema: true,
    });
    return {
      stores,
      visibility: stores.visibility,
      serverVersion: stores.serverVersion,
      teardown: async () => {
        try {
          await stores.close();
        } finally {
          await dropSqlDatabase(dialect, address, database);
        }
      },
    };
  } catch (err) {
    await dropSqlDatabase(dialect, address, database);
    throw err;
  }
}
