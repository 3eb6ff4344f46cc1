import { describe, expect, it } from 'vitest';
import { checkPassword, checkSignUp } from './sign-up-input';

const policy = { minLength: 10, maxLength: 200 };
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err: any) {
    return { code: err.extensions?.code, field: err.extensions?.field, message: err.message as string };
  }
  return null;
};

describe('password policy', () => {
  it('accepts a long enough password and refuses one a character shorter, naming the field', () => {
    expect(refusal(() => checkPassword('a'.repeat(10), 'x@example.com', policy))).toBeNull();
    expect(refusal(() => checkPassword('a'.repeat(9), 'x@example.com', policy))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'password',
      message: expect.stringContaining('at least 10'),
    });
  });

  it('counts characters, not UTF-16 units or bytes', () => {
    expect(refusal(() => checkPassword('🔒'.repeat(10), 'x@example.com', policy))).toBeNull();
    expect(refusal(() => checkPassword('🔒'.repeat(9), 'x@example.com', policy))?.field).toBe('password');
  });

  it('refuses a password longer than the maximum', () => {
    expect(refusal(() => checkPassword('b'.repeat(200), 'x@example.com', policy))).toBeNull();
    expect(refusal(() => checkPassword('b'.repeat(201), 'x@example.com', policy))?.message).toContain('at most 200');
  });

  it('refuses the email address or its local part as the password, in any case', () => {
    expect(refusal(() => checkPassword('Jane.Doe@Example.com', 'jane.doe@example.com', policy))?.message).toContain('email');
    expect(refusal(() => checkPassword('JANE.DOE.1990', 'jane.doe.1990@example.com', policy))?.field).toBe('password');
  });
});

describe('sign-up input', () => {
  it('trims email and name and keeps the password as typed', () => {
    expect(checkSignUp({ email: ' new@example.com ', name: ' Nia ', password: ' spaced out pass ' }, policy)).toEqual({
      email: 'new@example.com',
      name: 'Nia',
      password: ' spaced out pass ',
    });
  });

  it('names the email or name field when that is what is wrong', () => {
    expect(refusal(() => checkSignUp({ email: 'not-an-email', name: 'N', password: 'long enough pw' }, policy))?.field).toBe('email');
    expect(refusal(() => checkSignUp({ email: 'a@b.co', name: '   ', password: 'long enough pw' }, policy))?.field).toBe('name');
  });
});
