// `npm run custody:purge [-- --dry-run]`: deletes what custody has kept longer than EVIDENCE_RETENTION (default
// 2190d): whole processes — evidence bundle, row, documents — and the custody files no remaining record names.
// Configuration as for the app (DATABASE_URL or the PGlite database in DATA_DIR; DATA_DIR/blobs). PGlite opens in
// one process only: stop `npm start` first; with PostgreSQL run it beside the app, e.g. daily from cron.
import path from 'node:path';
import { FileBlobStore } from '../custody/file-blob-store';
import { purgeExpiredCustody } from '../custody/retention';
import { ConfigError, loadConfig } from '../platform/config';
import { openDatabase } from '../platform/db';
import { formatDuration } from '../shared/duration';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.some((a) => a !== '--dry-run')) {
    console.error('usage: npm run custody:purge [-- --dry-run]');
    return 2;
  }
  const dryRun = args.includes('--dry-run');
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pglite') });
  try {
    const result = await purgeExpiredCustody({
      prisma: database.prisma,
      blobs: new FileBlobStore(path.join(config.dataDir, 'blobs')),
      retentionMs: config.evidenceRetentionMs,
      dryRun,
    });
    const verb = dryRun ? 'would delete' : 'deleted';
    console.log(`retention ${formatDuration(config.evidenceRetentionMs)}: kept in custody since ${result.cutoff} or later`);
    console.log(`${verb} ${result.processes.length} process(es)${dryRun ? '' : ` and ${result.blobsDeleted} custody file(s)`}`);
    for (const id of result.processes) console.log(`  ${id}`);
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(error instanceof ConfigError ? error.message : `custody:purge: ${error.message}`);
    process.exitCode = 1;
  },
);
