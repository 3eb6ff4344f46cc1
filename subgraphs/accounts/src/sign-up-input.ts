import { badInput } from '@cloudlab/kit';

export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
}

export const EMAIL_MAX_LENGTH = 254;
export const NAME_MAX_LENGTH = 100;
// Deliberately loose (one @, a dot in the domain, no spaces): the real check is a mail that arrives.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The password policy (README "Accounts"): between `minLength` and `maxLength` characters and
 * not the email address (nor its part before the @). Length is what makes a password strong;
 * composition rules are not imposed (NIST SP 800-63B). Throws BAD_USER_INPUT naming `password`.
 */
export function checkPassword(password: string, email: string, policy: PasswordPolicy): void {
  const length = [...password].length;
  if (length < policy.minLength) throw badInput(`password must be at least ${policy.minLength} characters`, 'password');
  if (length > policy.maxLength) throw badInput(`password must be at most ${policy.maxLength} characters`, 'password');
  const lower = password.trim().toLowerCase();
  const address = email.trim().toLowerCase();
  if (lower === address || lower === address.split('@')[0]) throw badInput('password must not be the email address', 'password');
}

/** The sign-up input, trimmed and checked; BAD_USER_INPUT names the first offending field. */
export function checkSignUp(input: { email: string; password: string; name: string }, policy: PasswordPolicy) {
  const email = input.email.trim();
  const name = input.name.trim();
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL_SHAPE.test(email)) throw badInput('email is not a valid email address', 'email');
  if (!name) throw badInput('name must not be empty', 'name');
  if ([...name].length > NAME_MAX_LENGTH) throw badInput(`name must be at most ${NAME_MAX_LENGTH} characters`, 'name');
  checkPassword(input.password, email, policy);
  return { email, name, password: input.password };
}
