// The help texts, kept apart from the commands so that `testigo --help` loads nothing heavy.
import { OTP_CHANNELS } from '../shared/otp';
import { OPT_IN_MODES } from '../shared/process';

export const HELP = `Usage: testigo <command> [options]

Commands:
  verify FILE             verify a certificate, a sealed document or an evidence record, offline
  process start …         start a signing process (POST /v1/processes)
  process show ID         a process's status, documents, events and certificate
  certificate ID          download a completed process's evidence certificate
  ca                      download the deployment's CA certificate (the trust anchor for verify --ca)
  tenants create|list|show    manage tenants (admin key)
  keys create|list|revoke     manage a tenant's API keys (admin key)
  help [COMMAND]          this help, or a command's

Environment (API commands): TESTIGO_URL (default http://localhost:3000), TESTIGO_API_KEY (process, certificate),
TESTIGO_ADMIN_KEY (tenants, keys).
verify never uses the network.

Exit status: 0 done (verify: valid, anchored to --ca); 1 a check failed, or the API refused or is unreachable;
             2 usage error, missing TESTIGO_API_KEY, unreadable file; 3 verify: every check passed but no --ca.

Run \`testigo COMMAND --help\` for a command's options.`;

export const VERIFY_HELP = `Usage: testigo verify FILE [options]

Verifies, offline, a Testigo evidence certificate (PDF), a sealed document (PDF) or an evidence record
({evidence, jws} as GET /v1/processes/{id}/evidence returns it). Prints one line per check and a verdict.

Options:
  --ca FILE        the deployment's CA certificate (PEM), the trust anchor: GET /.well-known/testigo-ca.pem
                   or \`testigo ca\`. Without it the chains are checked for consistency only (exit 3).
  --tsa-ca FILE    a time-stamping authority's CA (PEM; repeatable): anchors the RFC 3161 timestamps (PAdES B-T seal,
                   chain head) to it; without it their signatures are checked but the authority is not anchored
  --jwks FILE      the deployment's JWK Set (GET /.well-known/jwks.json); without it the evidence key is the one
                   the JWS's own certificates (x5c) carry, which --ca anchors
  --process ID     the process the file must belong to (prc_…): check process_matches
  --evidence FILE  for a sealed document: the process's certificate PDF (or evidence JSON) that must list it
  --json           the result as JSON
  -h, --help       this help

Exit status: 0 valid and anchored to --ca; 1 a check failed; 2 usage error or unreadable file;
             3 every check passed, but no --ca: not anchored to a trusted CA, so not proof of origin.`;

export const PROCESS_HELP = `Usage: testigo process start --file contract.pdf [--file …] --phone +34… --name "…" --reference … [options]
       testigo process show ID [--json]

  start   POST /v1/processes: uploads the PDFs and starts the signing process on WhatsApp
    --file FILE           a PDF to sign (repeat for several, at most 10)
    --phone E164          the customer's phone, e.g. +34600111222
    --name NAME           the customer's name
    --reference REF       your own reference, e.g. C-2026-0042
    --locale es|en        the language of every message (default: the tenant's setting, else es)
    --opt-in MODE         ${OPT_IN_MODES.join('|')} (default whatsapp)
    --opt-in-source S, --opt-in-text T, --opt-in-collected-at ISO
                          with --opt-in recorded: where, what and when the consent was collected
    --in-person           a point-of-sale process (channel in_person; usually with --opt-in click_to_chat)
    --otp-channel C       ${OTP_CHANNELS.join('|')}: how the signing code is sent (default sms)
    --callback-url URL    signed POSTs on every status change
    --idempotency-key K   sent as Idempotency-Key: a retried start returns the first answer
  show    GET /v1/processes/{id}: status, documents, events and the certificate once issued
  --json                  print the API's answer as JSON

Environment: TESTIGO_API_KEY (required), TESTIGO_URL (default http://localhost:3000).`;

export const CERTIFICATE_HELP = `Usage: testigo certificate ID [--out FILE]

Downloads the evidence certificate of a completed process (GET /v1/processes/{id}/certificate): a PAdES-sealed PDF
with evidence.json and evidence.jws attached. Check it with \`testigo verify FILE --ca testigo-ca.pem\`.

  --out FILE    where to write it (default certificate-ID.pdf in the current directory)

Environment: TESTIGO_API_KEY (required), TESTIGO_URL (default http://localhost:3000).`;

export const CA_HELP = `Usage: testigo ca [--out FILE]

Downloads the deployment's CA certificate (GET /.well-known/testigo-ca.pem, public: no API key), the trust anchor
for \`testigo verify --ca\`, and prints its SHA-256 fingerprint to compare with one you trust.

  --out FILE    where to write it (default testigo-ca.pem; - for stdout)

Environment: TESTIGO_URL (default http://localhost:3000).`;

const ADMIN_ENV = `Options of every subcommand:
  --admin-key KEY         the admin API key (default: TESTIGO_ADMIN_KEY; prefer the variable, options show in ps)
  --url URL               the API (default: TESTIGO_URL, else http://localhost:3000)
  --json                  print the API's answer as JSON

An admin key is the server's ADMIN_API_KEY (npm start prints a development one). It manages tenants and keys only:
it cannot act as a tenant.`;

export const TENANTS_HELP = `Usage: testigo tenants create --name NAME [--id ID]
       testigo tenants list
       testigo tenants show ID

  create   a tenant and its first API key, printed once (Testigo keeps only its hash)
    --name NAME   the tenant's name (in messages when it sets no brand)
    --id ID       your own id for it (letters, digits, _ and -; default a generated ten_…)
  list     every tenant, with how many active keys it has
  show     one tenant

${ADMIN_ENV}`;

export const KEYS_HELP = `Usage: testigo keys create --tenant ID
       testigo keys list --tenant ID
       testigo keys revoke --tenant ID KEY_ID

  create   a new API key for the tenant, printed once (Testigo keeps only its hash)
  list     the tenant's keys: id, prefix, created, last used (to the minute), revoked — never the keys
  revoke   revoke a key: every API process refuses it from the next request on (revoking twice is fine)

${ADMIN_ENV}`;

export const HELPS: Record<string, string> = {
  verify: VERIFY_HELP,
  process: PROCESS_HELP,
  certificate: CERTIFICATE_HELP,
  ca: CA_HELP,
  tenants: TENANTS_HELP,
  keys: KEYS_HELP,
};
