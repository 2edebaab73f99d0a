import type { ApiRequest } from '../context.js';
import { projectWithAccess } from '../entities.js';
import { userProject } from '../finders.js';
import { ok } from '../responses.js';
import type { SimResponse } from '../responses.js';

/** GET /projects/:id */
export function getProject(req: ApiRequest): SimResponse {
  return ok(projectWithAccess(req, userProject(req)));
}
