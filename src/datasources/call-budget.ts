import { GitLabError } from './gitlab-client.js';
import type { CallBudget, RestResponse } from './gitlab-client.js';

/**
 * The REST calls one GraphQL request may make: at most `maxCalls` exchanges
 * with GitLab (retries and redirects count), and none once GitLab has
 * refused the request's credentials. Every call of a request carries the same
 * credentials, so after one 401 the others would only be 401s too: a request
 * of a thousand forged IDs without a token would cost GitLab a thousand calls.
 */
export class RequestCallBudget implements CallBudget {
  private spent = 0;
  private refusal: GitLabError | undefined;

  constructor(private readonly maxCalls: number) {}

  spend(): void {
    if (this.refusal) {
      const { gitlabMessage } = this.refusal;
      throw new GitLabError(
        'UNAUTHENTICATED',
        `${this.refusal.message} (Not sent: GitLab had already refused this request's credentials.)`,
        401,
        gitlabMessage,
        false,
        gitlabMessage ? { gitlabMessage } : {},
      );
    }
    if (this.spent >= this.maxCalls) {
      throw new GitLabError('QUERY_TOO_COMPLEX', `This request needs more than the ${this.maxCalls} REST calls to GitLab one request may make (the limit maxRestCallsPerRequest)`, undefined, undefined, false, {
        limit: 'maxRestCallsPerRequest',
        maxRestCallsPerRequest: this.maxCalls,
      });
    }
    this.spent++;
  }

  settle(outcome: RestResponse<unknown> | GitLabError): void {
    if (outcome instanceof GitLabError && outcome.status === 401) this.refusal ??= outcome;
  }
}
