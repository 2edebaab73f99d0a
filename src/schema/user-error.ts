import { GatewayError } from '../errors.js';
import { GitLabError } from '../datasources/gitlab-client.js';
import { writeProblems } from '../datasources/gitlab-rules.js';
import type { Attribute, Problem, Write } from '../datasources/gitlab-rules.js';
import { builder } from './builder.js';

export interface UserErrorShape {
  message: string;
  code: string;
  field: string[] | null;
}

export const UserErrorRef = builder.objectRef<UserErrorShape>('UserError').implement({
  description: 'A problem with a mutation\'s input that the caller can fix. The payload\'s other fields are then null.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'For people: GitLab\'s own words where GitLab said it.' }),
    code: t.exposeString('code', {
      description: 'For programs: INVALID_INPUT, NAME_TAKEN, TOKEN_LIMIT_REACHED or URL_CONFIGURATION_EXISTS.',
    }),
    field: t.exposeStringList('field', { nullable: true, description: 'Path of the input field at fault, e.g. ["input", "name"].' }),
  }),
});

/** Which input field each GitLab attribute is, for one mutation. */
export type FieldMap = Partial<Record<Attribute, string>>;

export function toUserErrors(problems: Problem[], fields: FieldMap): UserErrorShape[] {
  return problems.map(({ message, code, attribute }) => {
    const field = attribute && fields[attribute];
    return { message, code, field: field ? ['input', field] : null };
  });
}

/** Every payload's `errors` field, described once. */
export const USER_ERRORS_FIELD = {
  type: [UserErrorRef] as [typeof UserErrorRef],
  description: 'Input the caller can fix, one entry per problem; empty when the write succeeded.',
};

export type WriteOutcome<T> = { ok: T; errors: [] } | { ok: null; errors: UserErrorShape[] };

/**
 * Runs one REST write of the given kind. A 400 becomes the payload's user
 * errors, read as that kind of write's 400s read; a write whose outcome is
 * unknown (timeout, dropped connection) says so and says how to find out,
 * and is never sent again.
 */
export async function runWrite<T>(kind: Write, write: () => Promise<T>, fields: FieldMap, howToCheck: string): Promise<WriteOutcome<T>> {
  try {
    return { ok: await write(), errors: [] };
  } catch (err) {
    const problems = writeProblems(err, kind);
    if (problems) return { ok: null, errors: toUserErrors(problems, fields) };
    if (err instanceof GitLabError && err.mayHaveReachedGitLab && (err.code === 'UPSTREAM_TIMEOUT' || err.code === 'UPSTREAM_UNAVAILABLE')) {
      throw new GatewayError(err.code, `${err.message}. The write was not retried and may or may not have happened: ${howToCheck}`, {
        outcomeUnknown: true,
      });
    }
    throw err;
  }
}

/** Refuses locally checkable input before any REST call. */
export function rejected(problems: Problem[], fields: FieldMap): WriteOutcome<never> | null {
  return problems.length > 0 ? { ok: null, errors: toUserErrors(problems, fields) } : null;
}
