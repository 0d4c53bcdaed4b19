'use strict';
// Runs the committed migrations with the app's own DataSource configuration (compiled into dist/).
const path = require('path');
const { root } = require('./install');

async function migrate(databaseUrl, { quiet = false } = {}) {
  require(path.join(root, 'node_modules', 'reflect-metadata'));
  const { DataSource } = require('typeorm');
  const { dataSourceOptions } = require(path.join(root, 'dist', 'src', 'config', 'data-source-options.js'));
  const dataSource = new DataSource({ ...dataSourceOptions(databaseUrl, 2), logging: false });
  await dataSource.initialize();
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    if (!quiet) console.log(`» Migrations: ${ran.length ? ran.map((m) => m.name).join(', ') : 'up to date'}`);
  } finally {
    await dataSource.destroy();
  }
}

module.exports = { migrate };
