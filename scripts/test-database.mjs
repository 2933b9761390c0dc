#!/usr/bin/env node
// Creates or drops a scratch database on a PostgreSQL server, for running the suite against it:
//   node scripts/test-database.mjs create [name]   → prints its DATABASE_URL
//   node scripts/test-database.mjs drop <name>
// The server is POSTGRES_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/test).
import pg from 'pg';

const [command, given] = process.argv.slice(2);
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const name = given ?? `ras_test_${Date.now()}_${process.pid}`;
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
  console.error(`not a safe database name: ${name}`);
  process.exit(2);
}
const client = new pg.Client({ connectionString: adminUrl });
await client.connect();
try {
  if (command === 'create') {
    await client.query(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    process.stdout.write(`${url.toString()}\n`);
  } else if (command === 'drop') {
    await client.query(`drop database if exists ${name} with (force)`);
  } else {
    console.error('usage: test-database.mjs create [name] | drop <name>');
    process.exit(2);
  }
} finally {
  await client.end();
}
