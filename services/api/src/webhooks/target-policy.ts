import { type LookupAddress, lookup } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * IPv6 forms that carry an IPv4 address inside them, and where it sits (the byte offset of its
 * first octet). An address of these forms is as public as the IPv4 address it carries: written
 * `[::ffff:127.0.0.1]` (which `new URL()` rewrites to `[::ffff:7f00:1]`) it is loopback.
 */
const EMBEDDED_IPV4: Readonly<Record<string, number>> = {
  ipv4Mapped: 12, // ::ffff:a.b.c.d
  rfc6145: 12, // ::ffff:0:a.b.c.d, IPv4-translated
  rfc6052: 12, // 64:ff9b::a.b.c.d, NAT64
  '6to4': 2, // 2002:aabb:ccdd::
};

const GLOBAL_UNICAST = ipaddr.IPv6.parse('2000::');

/**
 * Whether a webhook may connect to an address: a public unicast IPv4 address, a global unicast
 * IPv6 address (2000::/3, outside every special range ipaddr.js knows), or an IPv6 form carrying
 * a public IPv4 address (mapped, translated, NAT64, 6to4). Everything else is refused: loopback,
 * private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, unique-local,
 * unspecified, multicast, reserved, documentation, Teredo, the deprecated IPv4-compatible ::/96
 * and anything that does not parse. Without this anyone with an integration key could make the
 * service call into the council's network.
 */
export function isPublicAddress(address: string): boolean {
  const parsed = parseAddress(address);
  if (parsed === null) return false;
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  const range = v6.range();
  if (EMBEDDED_IPV4[range] !== undefined) {
    const embedded = embeddedIPv4(v6);
    return embedded !== null && embedded.range() === 'unicast';
  }
  return range === 'unicast' && v6.match(GLOBAL_UNICAST, 3);
}

function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const text = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  return ipaddr.isValid(text) ? ipaddr.parse(text) : null;
}

/** The IPv4 address an IPv6 form carries (mapped, translated, NAT64, 6to4), or `null`. */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = v6.range();
  const offset = EMBEDDED_IPV4[range];
  if (offset === undefined) return null;
  // Only the well-known NAT64 prefix 64:ff9b::/96 carries the address in its last 32 bits; the
  // local-use 64:ff9b:1::/48 is a network of the operator's own.
  if (range === 'rfc6052' && !v6.match(ipaddr.IPv6.parse('64:ff9b::'), 96)) return null;
  return new ipaddr.IPv4(v6.toByteArray().slice(offset, offset + 4));
}

/**
 * Public addresses that are services of the cloud a council may run on, refused whatever else
 * the operator says: Azure's WireServer (168.63.129.16), reachable only from inside Azure.
 */
export const ALWAYS_BLOCKED = ['168.63.129.16/32'];

/** Checks a list of addresses and CIDRs, naming the first that is not one. */
export function parseBlockedAddresses(entries: readonly string[]): [ipaddr.IPv4 | ipaddr.IPv6, number][] {
  return entries.map((entry) => {
    const text = entry.includes('/') ? entry : `${entry}/${ipaddr.IPv4.isValid(entry) ? 32 : 128}`;
    if (!ipaddr.isValidCIDR(text)) throw new Error(`${entry} is not an IP address or CIDR`);
    return ipaddr.parseCIDR(text);
  });
}

/**
 * Where webhooks may connect: public addresses only (unless the operator allows private ones),
 * and never an address on the block list (built in, plus WEBHOOK_BLOCKED_ADDRESSES).
 */
export class TargetPolicy {
  readonly #allowPrivate: boolean;
  readonly #blocked: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(options: { allowPrivate: boolean; blocked?: readonly string[] }) {
    this.#allowPrivate = options.allowPrivate;
    this.#blocked = parseBlockedAddresses([...ALWAYS_BLOCKED, ...(options.blocked ?? [])]);
  }

  /** Whether a webhook may connect to this address. */
  allows(address: string): boolean {
    const parsed = parseAddress(address);
    if (parsed === null) return false;
    const v4 = parsed.kind() === 'ipv6' ? embeddedIPv4(parsed as ipaddr.IPv6) : null;
    for (const candidate of v4 ? [parsed, v4] : [parsed]) {
      for (const range of this.#blocked) if (candidate.kind() === range[0].kind() && candidate.match(range)) return false;
    }
    return this.#allowPrivate || isPublicAddress(address);
  }

  /** A `lookup` for the delivery agents that hands sockets only addresses this policy allows. */
  lookup(resolveAll?: ResolveAll): LookupFunction {
    return guardedLookup(resolveAll, (address) => this.allows(address));
  }

  /**
   * Why a webhook URL may not be called, or `null` when it may: checked when a webhook is created
   * or changed. Deliveries check again, at connection time, through {@link TargetPolicy.lookup}.
   */
  async refusedUrl(url: string): Promise<string | null> {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    if (!this.#allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) return `${host} ${REFUSED_TARGET}`;
    if (isIP(host)) return this.allows(host) ? null : `${host} ${REFUSED_TARGET}`;
    const addresses = await systemResolveAll(host, 0).catch(() => []);
    // On a closed network (private targets allowed) a name may resolve only later; deliveries
    // check it then. On the public internet a name must resolve, to public addresses, now.
    if (addresses.length === 0) return this.#allowPrivate ? null : `${host} ${REFUSED_TARGET}`;
    return addresses.every((entry) => this.allows(entry.address)) ? null : `${host} ${REFUSED_TARGET}`;
  }
}

/** Why a webhook may not call a target. One sentence for every reason: it must not tell an internal name that resolves from one that does not. */
export const REFUSED_TARGET = 'does not resolve to a public address';

/** The error a guarded lookup fails with; delivery records it as "refused". */
export class RefusedTargetError extends Error {
  override readonly name = 'RefusedTargetError';
  readonly code = 'ERR_WEBHOOK_TARGET_REFUSED';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type LookupFunction = (
  hostname: string,
  options: { all?: boolean | undefined; family?: number | string | undefined },
  callback: LookupCallback,
) => void;

/** Resolves a name to every address it has (the system resolver by default; tests pass their own). */
export type ResolveAll = (hostname: string, family: 0 | 4 | 6) => Promise<LookupAddress[]>;

const systemResolveAll: ResolveAll = (hostname, family) =>
  new Promise((resolve, reject) =>
    lookup(hostname, { all: true, family }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/**
 * A `lookup` for the HTTP agents that deliver webhooks: it resolves the name once and hands the
 * socket only addresses it has checked, so the address checked is the address connected to (a
 * name that answers one address to a check and another to the connection, DNS rebinding, gets
 * nowhere). When any address the name resolves to is not public, the name is refused altogether.
 */
export function guardedLookup(
  resolveAll: ResolveAll = systemResolveAll,
  allows: (address: string) => boolean = isPublicAddress,
): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 6 || options.family === 'IPv6' ? 6 : options.family === 4 || options.family === 'IPv4' ? 4 : 0;
    resolveAll(hostname, family).then(
      (addresses) => {
        if (addresses.length === 0 || !addresses.every((entry) => allows(entry.address)))
          return callback(new RefusedTargetError(`${hostname} ${REFUSED_TARGET}`), []);
        if (options.all) return callback(null, addresses);
        const first = addresses[0] as LookupAddress;
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}
