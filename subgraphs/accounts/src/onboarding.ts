import { badInput, forbidden, type Db, type Viewer } from '@cloudlab/kit';
import { recordDomainEvent } from '@cloudlab/kit/events';
import { config } from './config';
import { invitationHash, looksLikeInvitation, newInvitation, slugFor } from './invitations';
import { hashPassword } from './passwords';
import { checkSignUp } from './sign-up-input';
import * as store from './store';
import type { UserRow, VendorRow } from './store';
import { signAccessToken } from './tokens';

const VENDOR_NAME_MAX_LENGTH = 100;

/** The answer of login, signUp and joinVendor: a fresh token that says who the user is now. */
export async function authPayload(db: Db, user: UserRow) {
  const [key] = await store.signingKeys(db);
  const accessToken = await signAccessToken(key!, user, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.JWT_TTL_SECONDS,
  });
  return { accessToken, expiresIn: config.JWT_TTL_SECONDS, user };
}

/** A new customer account and its UserSignedUp event, in one transaction. */
export async function signUp(db: Db, input: { email: string; password: string; name: string }): Promise<UserRow> {
  const { email, name, password } = checkSignUp(input, { minLength: config.PASSWORD_MIN_LENGTH, maxLength: config.PASSWORD_MAX_LENGTH });
  // Hashed before the transaction: scrypt takes ~50 ms on purpose and need not hold a connection.
  const passwordHash = await hashPassword(password);
  return db.tx(async (q) => {
    const user = await store.insertUser(q, { email, name, passwordHash });
    // Saying so tells the caller the address has an account; a sign-up form cannot avoid that.
    if (!user) throw badInput('an account with this email already exists', 'email');
    await recordDomainEvent(q, 'accounts', {
      type: 'UserSignedUp',
      aggregateId: user.id,
      data: { userId: user.id, email: user.email, name: user.name, role: user.role },
    });
    return user;
  });
}

/** A new vendor under a unique slug, its VendorCreated event and a one-time invitation code. */
export async function createVendor(db: Db, admin: Viewer, rawName: string): Promise<{ vendor: VendorRow; invitationCode: string }> {
  const name = rawName.trim();
  if (!name) throw badInput('name must not be empty', 'name');
  if ([...name].length > VENDOR_NAME_MAX_LENGTH) throw badInput(`name must be at most ${VENDOR_NAME_MAX_LENGTH} characters`, 'name');
  const base = slugFor(name);
  return db.tx(async (q) => {
    let vendor = await store.insertVendor(q, name, base);
    // A taken slug gets a short random suffix; a few tries make a clash vanishingly unlikely.
    for (let i = 0; !vendor && i < 5; i++) vendor = await store.insertVendor(q, name, `${base}-${newInvitation().code.slice(0, 6).toLowerCase()}`);
    if (!vendor) throw new Error(`no free slug for vendor ${base}`);
    const invitation = newInvitation();
    await store.insertInvitation(q, {
      codeHash: invitation.hash,
      vendorId: vendor.id,
      createdBy: admin.userId,
      ttlHours: config.VENDOR_INVITATION_TTL_HOURS,
    });
    await recordDomainEvent(q, 'accounts', {
      type: 'VendorCreated',
      aggregateId: vendor.id,
      data: { vendorId: vendor.id, name: vendor.name, slug: vendor.slug },
    });
    return { vendor, invitationCode: invitation.code };
  });
}

/** Redeems an invitation: the customer becomes VENDOR staff of its vendor, or nothing changes. */
export async function joinVendor(db: Db, viewer: Viewer, code: string): Promise<UserRow> {
  const refused = () => badInput('this invitation code is unknown, used or expired', 'invitationCode');
  if (!looksLikeInvitation(code)) throw refused();
  return db.tx(async (q) => {
    const vendorId = await store.redeemInvitation(q, invitationHash(code), viewer.userId);
    if (!vendorId) throw refused();
    const user = await store.makeVendorStaff(q, viewer.userId, vendorId);
    // An old CUSTOMER token of someone who already joined: the rollback leaves the code unused.
    if (!user) throw forbidden('only customers can join a vendor');
    return user;
  });
}
