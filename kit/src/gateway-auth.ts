import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Only the gateway may call a subgraph. Every request it sends (HTTP fetches, readiness probes,
 * graphql-ws `connectionParams`) carries this header: `<unix seconds>.<HMAC-SHA256 of
 * "cloudlab-gateway:<seconds>" keyed with INTERNAL_SECRET>`. It proves the sender holds the
 * secret without sending it, and a copied value is useless after `GATEWAY_AUTH_MAX_AGE_SECONDS`.
 * (The identity header, signed with the same secret, proves it too; anonymous requests carry
 * only this one.)
 */
export const GATEWAY_AUTH_HEADER = 'x-cloudlab-gateway';
/** How far a credential's clock may be from ours, either way (clock skew plus reuse window). */
export const GATEWAY_AUTH_MAX_AGE_SECONDS = 300;
// A sender re-signs at most this often: one HMAC per 30 s, not one per request.
const REUSE_SECONDS = 30;

const mac = (secret: string, seconds: number) => createHmac('sha256', secret).update(`cloudlab-gateway:${seconds}`).digest('base64url');

const signed = new Map<string, { at: number; value: string }>();

/** The headers that mark a request as the gateway's; spread them into every subgraph request. */
export function gatewayAuthHeaders(secret: string | undefined, nowMs = Date.now()): Record<string, string> {
  if (!secret) return {};
  const now = Math.floor(nowMs / 1000);
  let current = signed.get(secret);
  if (!current || now - current.at >= REUSE_SECONDS || now < current.at) {
    current = { at: now, value: `${now}.${mac(secret, now)}` };
    signed.set(secret, current);
  }
  return { [GATEWAY_AUTH_HEADER]: current.value };
}

// The last value accepted per secret: the gateway sends the same one for 30 s, so a subgraph
// checks it with a string comparison instead of an HMAC per request.
const accepted = new Map<string, string>();

/** Whether the header value is the gateway's credential for this secret, and fresh. */
export function isGatewayCredential(value: string | string[] | undefined, secret: string, nowMs = Date.now()): boolean {
  const header = Array.isArray(value) ? value[0] : value;
  if (!header || header.length > 100) return false;
  const dot = header.indexOf('.');
  const seconds = Number(header.slice(0, dot));
  if (dot < 1 || !Number.isSafeInteger(seconds)) return false;
  if (Math.abs(Math.floor(nowMs / 1000) - seconds) > GATEWAY_AUTH_MAX_AGE_SECONDS) return false;
  if (accepted.get(secret) === header) return true;
  const given = Buffer.from(header.slice(dot + 1));
  const expected = Buffer.from(mac(secret, seconds));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  accepted.set(secret, header);
  return true;
}
