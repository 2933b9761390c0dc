// A fresh database on the PostgreSQL server at POSTGRES_ADMIN_URL (default
// postgres://postgres@127.0.0.1:5432/test), with its URL and a way to drop it: the benchmarks'
// one way to get a database of their own.
import pg from 'pg';

export const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function scratchDatabase(prefix) {
  const name = `${prefix}_${Date.now()}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url,
    drop: async () => {
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
