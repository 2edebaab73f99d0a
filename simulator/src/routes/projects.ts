import { accessLevel, userProject } from '../context.js';
import type { ApiRequest } from '../context.js';
import { projectWithAccess } from '../entities.js';
import { ok } from '../responses.js';
import type { SimResponse } from '../responses.js';

/** GET /projects/:id */
export function getProject(req: ApiRequest): SimResponse {
  const project = userProject(req);
  return ok(projectWithAccess(req.state, project, req.publicUrl, accessLevel(req.user, project)));
}
