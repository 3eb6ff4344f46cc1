import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Queryable } from '@cloudlab/kit';

const ALG = 'ES256';

export interface SigningKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof importJWK>>;
  publicJwk: JWK;
}

/**
 * The newest signing key, created on first use. Keys live in accounts' database so every
 * accounts instance signs with the same key and restarts do not log everybody out.
 */
export async function loadSigningKeys(q: Queryable): Promise<SigningKey[]> {
  let { rows } = await q.query('SELECT kid, private_jwk, public_jwk FROM signing_keys ORDER BY created_at DESC');
  if (rows.length === 0) {
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
    await q.query('INSERT INTO signing_keys (kid, private_jwk, public_jwk) VALUES ($1, $2, $3)', [
      kid,
      await exportJWK(privateKey),
      publicJwk,
    ]);
    ({ rows } = await q.query('SELECT kid, private_jwk, public_jwk FROM signing_keys ORDER BY created_at DESC'));
  }
  return Promise.all(
    rows.map(async (r) => ({ kid: r.kid, privateKey: await importJWK(r.private_jwk, ALG), publicJwk: r.public_jwk })),
  );
}

export function signAccessToken(
  key: SigningKey,
  user: { id: string; role: string; vendor_id: string | null },
  opts: { issuer: string; audience: string; ttlSeconds: number },
): Promise<string> {
  return new SignJWT({ role: user.role, vendorId: user.vendor_id })
    .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + opts.ttlSeconds)
    .sign(key.privateKey);
}
