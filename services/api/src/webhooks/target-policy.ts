import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Addresses a webhook must not reach unless the operator allows it: loopback, private, link-local
 * (cloud metadata), carrier-grade NAT, unique-local and unspecified. Without this, anyone with an
 * integration key could make the service probe the council's internal network.
 */
export function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:')) return isPrivateAddress(lower.slice(7));
  return lower === '::' || lower === '::1' || lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80');
}

/** Why a URL may not be called, or `null` when it may. Resolves the host name, so call it before each delivery. */
export async function refusedTarget(url: string): Promise<string | null> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is a local address`;
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((entry) => entry.address);
  if (addresses.length === 0) return `${host} does not resolve`;
  const blocked = addresses.find(isPrivateAddress);
  return blocked ? `${host} resolves to the private address ${blocked}` : null;
}
