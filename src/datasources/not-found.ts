import { GitLabError } from './gitlab-client.js';

/*
 * GitLab's 404s say different things in nearly the same words: a finder's
 * miss is `ActiveRecord::RecordNotFound`, rescued in lib/api/api.rb as
 * `404 Not found`; `not_found!` in lib/api/helpers.rb says `404 Not Found`.
 * These tell them apart.
 */

/** A finder missed: no such agent, token or URL configuration under this project (`404 Not found`, lower-case f). */
export function isMissingRecord(err: unknown): boolean {
  return err instanceof GitLabError && err.status === 404 && err.gitlabMessage === '404 Not found';
}

/** What a single GET of a record that is not there would have answered. */
export function missingRecord(what: string): GitLabError {
  return new GitLabError('NOT_FOUND', `GitLab found no ${what} (404: 404 Not found)`, 404, '404 Not found', false, { gitlabMessage: '404 Not found' });
}

/**
 * On the URL-configuration routes, `404 Not Found` (capital F) means receptive
 * agents are switched off or unlicensed on this instance, or that the agent's
 * one configuration has another id.
 */
export function isNoUrlConfiguration(err: unknown): boolean {
  return err instanceof GitLabError && err.status === 404 && err.gitlabMessage === '404 Not Found';
}

/** Resolves to null instead of failing when `absent(err)` says the failure only means "there is none". */
export async function orNull<T>(promise: Promise<T>, absent: (err: unknown) => boolean): Promise<T | null> {
  try {
    return await promise;
  } catch (err) {
    if (absent(err)) return null;
    throw err;
  }
}
