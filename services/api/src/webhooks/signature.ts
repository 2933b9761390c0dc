import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Deliveries are signed as the Standard Webhooks specification says (standardwebhooks.com), so a
 * receiver can verify them with any off-the-shelf library:
 *
 *   webhook-id:        the event's id, the same on every retry (the receiver's idempotency key)
 *   webhook-timestamp: unix seconds when this attempt was signed
 *   webhook-signature: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`
 *
 * keyed with the base64-decoded part of the secret after `whsec_`. The older `Ras-Signature`
 * header (`t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>"` keyed with the whole secret
 * string) is still sent and is deprecated: see CHANGELOG.md.
 */
export const STANDARD_HEADERS = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

/** The deprecated header: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'Ras-Signature';

/** A new signing secret: `whsec_` and 32 random bytes in standard base64, as the specification has it. */
export function signingKeyOf(secret: string): Buffer {
  // Buffer's base64 decoder also takes the base64url secrets issued before Standard Webhooks.
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/**
 * The three Standard Webhooks headers for one delivery attempt: one signature per secret, space
 * separated (a rotation's grace period signs with the new secret and the one it replaced).
 */
export function standardWebhookHeaders(
  secrets: string | readonly string[],
  id: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  const signatures = (typeof secrets === 'string' ? [secrets] : secrets).map(
    (secret) => `v1,${createHmac('sha256', signingKeyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`,
  );
  return {
    [STANDARD_HEADERS.id]: id,
    [STANDARD_HEADERS.timestamp]: String(timestamp),
    [STANDARD_HEADERS.signature]: signatures.join(' '),
  };
}

/** The secrets a delivery at `at` is signed with: the current one, and a replaced one still in its grace period. */
export function signingSecrets(
  webhook: { readonly secret: string; readonly previous_secret: string | null; readonly previous_secret_expires_at: Date | null },
  at: Date,
): string[] {
  const previous = webhook.previous_secret;
  const until = webhook.previous_secret_expires_at;
  return previous !== null && until !== null && until > at ? [webhook.secret, previous] : [webhook.secret];
}

/** Signs a delivery body the deprecated way: HMAC-SHA256 over `<timestamp>.<body>` with the secret. */
export function signDelivery(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${deprecatedMac(secret, timestamp, body)}`;
}

function deprecatedMac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * Checks a deprecated signature header as a receiver should: the MAC matches and the timestamp is
 * recent (default 5 minutes), which stops replays of old deliveries.
 */
export function verifyDelivery(
  secret: string,
  header: string,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return at < 0 ? [part, ''] : [part.slice(0, at), part.slice(at + 1)];
    }),
  );
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds || typeof parts.v1 !== 'string') return false;
  const expected = Buffer.from(deprecatedMac(secret, timestamp, body), 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
