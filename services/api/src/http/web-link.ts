/**
 * Whether a link is one a browser follows to a web page: an absolute `http:` or `https:` URL. A
 * `javascript:` or `data:` link is a valid URI too, and anyone who publishes the link (a council's
 * website showing its transparency record) would run it; the service takes only web links wherever
 * it publishes one, or calls one (webhooks).
 *
 * @example
 * ```ts
 * isWebLink('https://example.gov.uk/eia.pdf'); // true
 * isWebLink('javascript:alert(1)'); // false
 * ```
 */
export function isWebLink(link: string): boolean {
  if (!URL.canParse(link)) return false;
  const { protocol, hostname } = new URL(link);
  return (protocol === 'https:' || protocol === 'http:') && hostname !== '';
}

export const WEB_LINK_DETAIL = 'must be an http or https URL';
