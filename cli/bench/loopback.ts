// `bench` loads a server hard: thousands of users, long-polls and requests per second. Pointed at the
// wrong address by a typo, that is an attack on someone else's server, so the address is judged from the
// URL alone, before any lookup or connection: loopback (localhost, 127.0.0.0/8, ::1) passes, anything
// else needs --allow-remote. A name other than localhost is refused too: what it resolves to is not
// known without a lookup, and a lookup is already traffic.
import { isIPv4 } from 'node:net';

export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  return isIPv4(host) && host.split('.')[0] === '127';
}
