import { GraphQLError } from 'graphql';

/** The one documented list of error codes clients can rely on (see README "Errors"). */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const httpStatus: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  INTERNAL_SERVER_ERROR: 500,
};

export function appError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const unauthenticated = (message = 'You must be signed in') =>
  appError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'Not allowed') => appError(ErrorCode.FORBIDDEN, message);
export const badInput = (message: string, field?: string) =>
  appError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});

export function statusFor(code: unknown): number | undefined {
  return typeof code === 'string' && code in httpStatus ? httpStatus[code as ErrorCode] : undefined;
}
