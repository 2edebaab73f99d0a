import type { ApiRequest } from './context.js';
import { fail } from './responses.js';

/** Ruby's `Integer(s, 10)`, which Grape's Integer coercion calls: a sign, surrounding blanks and `_` between digits pass. */
const RUBY_INTEGER = /^\s*[-+]?\d+(?:_\d+)*\s*$/;

function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value === 'string' && RUBY_INTEGER.test(value)) return Number(value.replace(/[_\s]/g, ''));
  return undefined;
}

/** Grape's String coercion: scalars become their text, structures are invalid. */
function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * A route's declared params, checked the way Grape checks them: every
 * failure is collected in declaration order, and `check()` answers them
 * together (`{"error":"agent_id is invalid, name is missing"}`).
 */
export class Params {
  private readonly problems: string[] = [];

  constructor(private readonly req: Pick<ApiRequest, 'route' | 'input'>) {}

  private has(name: string): boolean {
    return Object.hasOwn(this.req.route, name) || Object.hasOwn(this.req.input, name);
  }

  private raw(name: string): unknown {
    return Object.hasOwn(this.req.route, name) ? this.req.route[name] : this.req.input[name];
  }

  /** Records a failed validation, e.g. `reject('per_page', 'has a value not allowed')`. */
  reject(name: string, message: string): void {
    this.problems.push(`${name} ${message}`);
  }

  /** `requires :name, type: Integer` on a route param (the router guarantees it is there). */
  integer(name: string): number {
    const value = toInteger(this.raw(name));
    if (value === undefined) this.reject(name, 'is invalid');
    return value ?? 0;
  }

  /** `optional :name, type: Integer, default: fallback`: a blank value coerces to nil, and nil takes the default. */
  optionalInteger(name: string, fallback: number): number {
    const raw = this.raw(name);
    if (raw === undefined || raw === null || raw === '') return fallback;
    const value = toInteger(raw);
    if (value === undefined) this.reject(name, 'is invalid');
    return value ?? fallback;
  }

  /** `requires :name, type: String`: only the key's presence is checked, so `""` and `null` go through to the model. */
  requiredString(name: string): string | null {
    if (!this.has(name)) {
      this.reject(name, 'is missing');
      return null;
    }
    return this.optionalString(name) ?? null;
  }

  /** `optional :name, type: String`: undefined when the key is absent. */
  optionalString(name: string): string | null | undefined {
    const raw = this.raw(name);
    if (raw === undefined || raw === null) return raw;
    const text = toText(raw);
    if (text === undefined) this.reject(name, 'is invalid');
    return text ?? null;
  }

  /** Answers 400 with every failure so far, if there was one. */
  check(): void {
    if (this.problems.length > 0) throw fail.grape(400, this.problems.join(', '));
  }
}
