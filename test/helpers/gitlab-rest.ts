import { fetch } from 'undici';
import type { Simulator } from '../../simulator/src/index.js';

/** Asks the simulator directly, as a REST client would: the expected answer for a gateway query. */
export async function gitlabGet<T = unknown>(simulator: Simulator, path: string, token: string): Promise<T> {
  const res = await fetch(`${simulator.url}/api/v4${path}`, { headers: { 'private-token': token } });
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
  return (await res.json()) as T;
}
