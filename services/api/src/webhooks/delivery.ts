import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { type ResolveAll, TargetPolicy } from './target-policy.js';

/** What one attempt to deliver came to. The error is one of three words, whatever went wrong. */
export type DeliveryOutcome =
  | { readonly delivered: true; readonly statusCode: number }
  | { readonly delivered: false; readonly statusCode: number | null; readonly error: 'refused' | 'timeout' | `HTTP ${number}` };

/**
 * Posts webhook deliveries. Connections go only to addresses the target policy has checked: the
 * agents resolve names with {@link guardedLookup}, and an address written in the URL is checked
 * before the request is made. A failure is recorded as "refused", "timeout" or "HTTP <status>"
 * and nothing more, so the delivery log cannot be used to map what listens where (a port scanner
 * would read "connection refused" from "certificate invalid" from "no such host").
 */
export class WebhookSender {
  readonly #policy: TargetPolicy;
  readonly #http: HttpAgent;
  readonly #https: HttpsAgent;

  /**
   * @param options.blockedAddresses - addresses and CIDRs never to call (WEBHOOK_BLOCKED_ADDRESSES)
   * @param options.resolveAll - how names are resolved (the system resolver unless a test says otherwise)
   */
  constructor(options: { allowPrivateTargets: boolean; blockedAddresses?: readonly string[]; resolveAll?: ResolveAll }) {
    this.#policy = new TargetPolicy({ allowPrivate: options.allowPrivateTargets, blocked: options.blockedAddresses ?? [] });
    const lookup = this.#policy.lookup(options.resolveAll);
    this.#http = new HttpAgent({ keepAlive: true, maxSockets: 4, lookup });
    this.#https = new HttpsAgent({ keepAlive: true, maxSockets: 4, lookup });
  }

  /** Sends one delivery: a POST of `body` with `headers`, given up after `timeoutMs`. */
  send(url: string, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number): Promise<DeliveryOutcome> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve({ delivered: false, statusCode: null, error: 'refused' });
    }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const https = target.protocol === 'https:';
    // An address written in the URL is never looked up, so it is checked here.
    if ((!https && target.protocol !== 'http:') || (isIP(host) && !this.#policy.allows(host)))
      return Promise.resolve({ delivered: false, statusCode: null, error: 'refused' });
    return new Promise((resolve) => {
      const signal = AbortSignal.timeout(timeoutMs);
      const options = {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal,
        agent: https ? this.#https : this.#http,
      };
      const request = (https ? httpsRequest : httpRequest)(target, options, (response) => {
        const statusCode = response.statusCode ?? 0;
        response.resume();
        resolve(
          statusCode >= 200 && statusCode < 300
            ? { delivered: true, statusCode }
            : { delivered: false, statusCode, error: `HTTP ${statusCode}` },
        );
      });
      request.on('error', () => resolve({ delivered: false, statusCode: null, error: signal.aborted ? 'timeout' : 'refused' }));
      request.end(body);
    });
  }

  /** Closes idle kept-alive connections. */
  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}
